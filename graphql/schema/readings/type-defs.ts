/* GraphQL */
export const readingsTypeDefs = `
  "One validated reading, as stored in QuestDB's readings table."
  type Reading {
    "The meter that sent it."
    meterId: ID!
    "What the meter measures."
    kind: MeterKind!
    "Event time: when the meter took the reading."
    ts: DateTime!
    "Instantaneous quantity (flow, power, temperature), if the meter sent one."
    value: Float
    "Unit of value, e.g. L/min, kW, degC."
    valueUnit: String
    "Cumulative register, if the meter sent one."
    register: Float
    "Unit of register, e.g. L, kWh."
    registerUnit: String
    "The meter's own sequence number, if it sends one."
    seq: Float
    "Sector (fog node / district) the meter belongs to, if known."
    sector: String
    "When the bridge received the message (for a manual or estimated read: when the admin recorded it)."
    receivedAt: DateTime
    "Who stated it: DEVICE (the meter), MANUAL (read or confirmed by an admin: recordMeterRead, acceptMeterRead) or ESTIMATED (an estimate an admin recorded)."
    source: ReadingSource!
  }

  "Who stated a reading."
  enum ReadingSource {
    DEVICE
    MANUAL
    ESTIMATED
  }

  "Bucket sizes of series and rollups, aligned to the calendar (DAY_1 to local midnight of the time zone asked for)."
  enum Bucket {
    "1 minute."
    MINUTE_1
    "5 minutes."
    MINUTE_5
    "15 minutes."
    MINUTE_15
    "1 hour."
    HOUR_1
    "1 calendar day (23-25 h across a DST change)."
    DAY_1
  }

  "How the readings of a bucket are combined."
  enum Aggregate {
    "Mean of the values."
    AVG
    "Sum of the values."
    SUM
    "Smallest value."
    MIN
    "Largest value."
    MAX
    "Number of non-null values."
    COUNT
    "Last non-null value (for a register: its reading at the end of the bucket)."
    LAST
  }

  "Which quantity of a reading a series is computed over."
  enum ReadingQuantity {
    "The instantaneous value (flow, power, temperature)."
    VALUE
    "The cumulative register (use LAST or MAX)."
    REGISTER
  }

  "One bucket of a reading series; buckets without readings are omitted."
  type ReadingBucket {
    "Start of the bucket (UTC instant of the local calendar boundary)."
    ts: DateTime!
    "The aggregate over the bucket's readings (null when all were null)."
    value: Float
    "Readings in the bucket with a non-null value of the chosen quantity."
    count: Int!
  }

  type Query {
    """
    Raw readings of one meter with from <= ts < to, oldest first, at most limit rows
    (limit <= the server's MF_GRAPHQL_MAX_ROWS; to - from <= MF_GRAPHQL_MAX_RANGE_DAYS).
    """
    readings(
      "The meter."
      meterId: ID!
      "Start of the range (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
      "Most rows to return."
      limit: Int = 1000
    ): [Reading!]!

    """
    One meter's readings with from <= ts < to aggregated per calendar bucket (QuestDB SAMPLE BY
    ALIGN TO CALENDAR TIME ZONE), oldest first; only buckets holding readings are returned. The
    first and last buckets are partial when from/to are not on bucket boundaries.
    """
    readingSeries(
      "The meter."
      meterId: ID!
      "Start of the range (inclusive)."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
      "Bucket size; the number of buckets may not exceed MF_GRAPHQL_MAX_ROWS."
      bucket: Bucket!
      "How a bucket's readings are combined."
      aggregate: Aggregate = AVG
      "The quantity aggregated."
      of: ReadingQuantity = VALUE
      "IANA time zone the buckets align to (matters for HOUR_1 in zones with odd offsets and for DAY_1); default the meter's own (its registry timeZone, else MF_BILLING_TIME_ZONE), so its days are the ones it is billed by."
      timeZone: String
    ): [ReadingBucket!]!
  }
`;
