/* GraphQL */
export const liveTypeDefs = `
  "An alert transition as processors publish it on the alerts topic."
  type AlertEvent {
    "Alert id: stable across the alert's transitions (open, closed)."
    alertId: ID!
    "The meter it is about."
    meterId: ID!
    "The meter's sector, if known."
    sector: String
    "The configured rule's id, e.g. continuous-flow."
    rule: String!
    "The rule family, e.g. continuous-flow, threshold, above-group-average."
    ruleKind: String!
    "info, warning or critical."
    severity: String!
    "The transition: open, acknowledged or closed."
    state: String!
    "Event time at which the condition began."
    startedAt: DateTime!
    "Event time at which it ended (closed alerts)."
    endedAt: DateTime
    "Volume lost, litres, where the rule can estimate it."
    estimatedLossL: Float
    "The numbers behind the alert, as a JSON object."
    evidence: String!
    "Event time of this transition."
    at: DateTime!
  }

  """
  Live events over Server-Sent Events: POST or GET /graphql with Accept: text/event-stream.
  Each subscription starts with events from the moment it is set up (no history); a subscriber
  that falls far behind loses its oldest undelivered events.
  """
  type Subscription {
    "A meter's readings as the bridge validates them. Customers: their own meters only."
    meterReadings(meterId: ID!): Reading!
    "Alert transitions, of one meter and/or one sector (both optional). A customer without meterId gets the alerts of all of their meters (their own alert feed: leaks, excessive use, projected and final bill variations)."
    alerts(meterId: ID, sector: String): AlertEvent!
    "Each state change of commands (PENDING, DELIVERED, final), of one meter or all. Customers must name one of their meters."
    commandUpdates(meterId: ID): Command!
  }
`;
