/* GraphQL */
export const analyticsTypeDefs = `
  "One sliding window of a meter's instantaneous value (rolling_averages, written by the rolling-averages processor)."
  type RollingAverage {
    "The meter."
    meterId: ID!
    "Window size, e.g. 1h."
    window: String!
    "Start of the window."
    windowStart: DateTime
    "End of the window (exclusive); windows end every hop."
    windowEnd: DateTime!
    "Readings with a value in the window."
    count: Int!
    "Sum of their values."
    sum: Float
    "Mean value."
    mean: Float
    "Smallest value."
    min: Float
    "Largest value."
    max: Float
  }

  "What a rollup aggregates over."
  enum RollupScope {
    "One sector's meters (scopeId = the sector)."
    SECTOR
    "Every meter."
    FLEET
  }

  "One tumbling bucket of a sector's or the fleet's values, summed over the processors' Kafka partitions."
  type Rollup {
    "SECTOR or FLEET."
    scope: RollupScope!
    "The sector, or all for the fleet."
    scopeId: String!
    "Bucket size."
    bucket: Bucket!
    "Start of the bucket."
    ts: DateTime!
    "End of the bucket (exclusive)."
    end: DateTime
    "Readings with a value."
    count: Float!
    "Sum of their values."
    sum: Float
    "sum / count."
    mean: Float
    "Smallest value."
    min: Float
    "Largest value."
    max: Float
    "Partial rows summed (one per Kafka partition that saw readings of the bucket)."
    partitions: Int!
  }

  "An amount in one unit (quantities of different units are never added)."
  type UnitAmount {
    "The unit, e.g. L, kWh, L/min (null when the readings had none)."
    unit: String
    "The amount."
    amount: Float!
    "Meters that contributed."
    meters: Int!
  }

  "Fleet or sector figures over a time range, from the raw readings."
  type FleetStats {
    "The sector asked for (null: whole fleet)."
    sector: String
    "The kind asked for (null: every kind)."
    kind: MeterKind
    "Start of the range."
    from: DateTime!
    "End of the range (exclusive)."
    to: DateTime!
    "Meters with at least one reading in the range."
    meters: Int!
    "Readings in the range."
    readings: Int!
    "Per register unit: the sum over meters of max(register) - min(register) within the range."
    consumption: [UnitAmount!]!
    "Per value unit: the mean of all values in the range (each reading weighs the same)."
    meanValue: [UnitAmount!]!
    "Alerts of the sector (and kind) not closed now."
    openAlerts: Int!
  }

  "A meter's consumption over a range: max(register) - min(register) of its readings in it."
  type MeterConsumption {
    "The meter's id."
    meterId: ID!
    "The meter."
    meter: Meter
    "Register advance within the range."
    consumption: Float!
    "Register unit, e.g. L or kWh."
    unit: String
    "Readings in the range."
    readings: Int!
  }

  type Query {
    "One meter's sliding-window averages, window end in [from, to), oldest first."
    rollingAverages(
      "The meter."
      meterId: ID!
      "Window size as configured (MF_ROLLING_WINDOWS), e.g. 15m, 1h, 24h."
      window: String = "1h"
      "Start of the range of window ends (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
    ): [RollingAverage!]!

    "Sector or fleet rollups (admin, analyst), bucket start in [from, to), oldest first."
    rollups(
      "SECTOR or FLEET."
      scope: RollupScope!
      "The sector (SECTOR only)."
      scopeId: ID
      "Bucket size; one of the processors' MF_ROLLUP_BUCKETS (default MINUTE_1, HOUR_1, DAY_1)."
      bucket: Bucket!
      "Start of the range (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
    ): [Rollup!]!

    "Figures of a sector (or the fleet) over [from, to); customers get them over their own meters."
    fleetStats(
      "The sector (omit for the whole fleet)."
      sector: String
      "Only meters of this kind."
      kind: MeterKind
      "Start of the range (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
    ): FleetStats!

    "The meters that consumed most over [from, to), largest first (ties by id); customers see their own meters only."
    topConsumers(
      "The sector (omit for the whole fleet)."
      sector: String
      "Only meters of this kind (advisable: units of different kinds do not compare)."
      kind: MeterKind
      "Start of the range (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
      "How many (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      limit: Int = 10
    ): [MeterConsumption!]!
  }
`;
