/* GraphQL */
export const recommendationsTypeDefs = `
  "What a recommendation is about (docs/recommendations.md)."
  enum RecommendationKind {
    "Move a share of the most expensive time-of-use band's consumption to the cheapest band."
    TOU_SHIFT
    "Months whose consumption crossed into a higher block of an inclining-block tariff."
    TIER_THRESHOLD
    "An open continuous-flow or night-flow leak alert: what the leak costs per year if unrepaired."
    LEAK
    "The always-on floor of consumption (a low percentile of the hourly use)."
    STANDBY
    "The meter's annualised consumption among the meters of its sector and kind (percentile, median)."
    PEER_COMPARISON
  }

  "One way to save, with the computation shown. Money is per year, from the look-back window annualised (× 365 / days)."
  type Recommendation {
    kind: RecommendationKind!
    "One line for a person, e.g. 'Move 20 % of your High use (17:00–20:00) to Low hours'."
    title: String!
    "Money saved per year, a decimal string in currency, e.g. 87.60."
    savingPerYear: String!
    "The same in minor units (cents), rounded half-up once."
    savingPerYearCents: Int!
    "ISO 4217 currency of the meter's tariff."
    currency: String!
    "The quantity the saving is about (moved, lost, avoided…) per year, in unit."
    quantityPerYear: Float!
    "Unit of quantityPerYear: the tariff's (kWh, m3)."
    unit: String!
    "The computation, one step a line, with the numbers and the tariff used."
    computation: [String!]!
    "The tariff in force at the end of the window that priced it."
    tariffId: ID!
    "The readings' span the recommendation was computed from."
    windowFrom: DateTime!
    windowTo: DateTime!
    "TOU_SHIFT: local hours (0-23; h = h:00–h+1:00) the peak band's consumption fell in."
    peakHours: [Int!]
    "TOU_SHIFT: local hours the cheapest band was in force."
    targetHours: [Int!]
    "TOU_SHIFT: the band moved from, and its price per unit."
    fromBand: String
    fromPrice: Float
    "TOU_SHIFT: the band moved to, and its price per unit."
    toBand: String
    toPrice: Float
    "TOU_SHIFT: the share of the peak consumption assumed movable; STANDBY: the share of the floor assumed avoidable."
    share: Float
    "TIER_THRESHOLD: the local months (YYYY-MM) that crossed into a higher block."
    months: [String!]
    "PEER_COMPARISON: the share (%) of the other meters of the group that use less."
    percentile: Float
    "PEER_COMPARISON: the meters compared, this one included."
    peers: Int
    "LEAK: the open alerts the leak rate comes from."
    alertIds: [ID!]
  }

  "The assumptions of the recommendations; each one left out takes its default."
  input RecommendationAssumptions {
    "Share of the peak band's consumption that can be moved (0-1). Default 0.2."
    shiftableShare: Float
    "Percentile of the hourly consumption read as the always-on floor (1-50). Default 10."
    standbyPercentile: Float
    "Share of the always-on floor that can be avoided (0-1). Default 0.5."
    standbyReduction: Float
    "Fewest meters (this one included) a peer comparison needs (2-1000). Default 5."
    minPeers: Int
  }

  "A change of a meter's recommendations: the kinds now present and those that appeared."
  type RecommendationsUpdate {
    meterId: ID!
    "When the server evaluated them."
    evaluatedAt: DateTime!
    "Kinds present now, in ranking order."
    kinds: [RecommendationKind!]!
    "Kinds present now that were not at the previous evaluation (all of them in the first update)."
    added: [RecommendationKind!]!
    "The recommendations, ranked."
    recommendations: [Recommendation!]!
  }

  extend type Meter {
    """
    Ways to save, ranked by money saved per year (most first), computed on demand from the
    meter's own readings over the last \`days\` days up to \`to\` (default: its last reading),
    priced with its tariff in force then. A customer's window starts no earlier than their
    move-in. Empty for a meter without register readings or whose tariff cannot price it.
    """
    recommendations(
      "Look-back window, days (1-366)."
      days: Int = 90
      "End of the window (default: the meter's last register reading)."
      to: DateTime
      "The assumptions (defaults in docs/recommendations.md)."
      assumptions: RecommendationAssumptions
    ): [Recommendation!]!
  }

  extend type Subscription {
    """
    A meter's recommendations re-evaluated every \`everySeconds\` (60-86400): an update first,
    then one whenever a kind appears or disappears. Customers: their own meters only.
    """
    recommendationsChanged(meterId: ID!, days: Int = 90, everySeconds: Int = 900, assumptions: RecommendationAssumptions): RecommendationsUpdate!
  }
`;
