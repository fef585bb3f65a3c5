/* GraphQL */
export const edgeStatisticsTypeDefs = `
  """
  One interval summary an edge node computed from its own samples over [from, to) and sent
  instead of them (MQTT meters/{id}/stats), as stored in QuestDB's edge_stats table.
  """
  type EdgeStatistics {
    "The meter (edge node) that sent it."
    meterId: ID!
    "What the meter measures."
    kind: MeterKind!
    "Start of the interval (inclusive)."
    from: DateTime!
    "End of the interval (exclusive)."
    to: DateTime!
    "Samples the summary covers."
    count: Int!
    "Smallest sample of the interval."
    min: Float!
    "Largest sample of the interval."
    max: Float!
    "Mean of the interval's samples."
    mean: Float!
    "Unit of min, max and mean, e.g. degC."
    unit: String
    "Sector the meter belongs to, if known."
    sector: String
    "When the bridge received the summary."
    receivedAt: DateTime!
  }

  extend type Meter {
    """
    The meter's edge statistics whose interval starts in [from, to), oldest first, at most limit
    (limit <= MF_GRAPHQL_MAX_ROWS; to - from <= MF_GRAPHQL_MAX_RANGE_DAYS). A customer sees
    those of the time the meter was theirs.
    """
    edgeStatistics(
      "Start of the range (inclusive), on the interval start."
      from: DateTime!
      "End of the range (exclusive)."
      to: DateTime!
      "Most summaries to return."
      limit: Int = 1000
    ): [EdgeStatistics!]!
  }

  extend type Subscription {
    "A meter's edge statistics as the bridge validates them, from now on. Customers: their own meters only."
    edgeStatistics(meterId: ID!): EdgeStatistics!
  }
`;
