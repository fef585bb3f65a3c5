/* GraphQL */
export const alertsTypeDefs = `
  "Where an alert stands: the state of its latest row in the alerts table."
  enum AlertState {
    "Raised by a processor, not yet seen by an operator."
    OPEN
    "Seen by an operator (acknowledgeAlert); still in force."
    ACKNOWLEDGED
    "The condition ended, or an operator closed it."
    CLOSED
  }

  "How urgent an alert is (as configured per rule)."
  enum AlertSeverity {
    "For information."
    INFO
    "Needs attention."
    WARNING
    "Needs action now."
    CRITICAL
  }

  "The rule families (docs/leak-detection-and-alerts.md); rule on an alert is the configured rule's id."
  enum AlertRuleKind {
    "Leak: no quiet hour in 24 h."
    CONTINUOUS_FLOW
    "Leak: minimum night flow above the threshold."
    NIGHT_FLOW
    "Leak: flow above a share of Q3 for 30 min."
    BURST
    "A value above (or below) a limit for a while."
    THRESHOLD
    "A value rising fast."
    RATE_OF_RISE
    "No reading for several reporting intervals."
    SILENT_METER
    "Consumption above a multiple of its group's average."
    ABOVE_GROUP_AVERAGE
    "A bill well above the previous period's."
    BILL_VARIATION
    "An unexplained register decrease or implausible jump."
    REGISTER_ANOMALY
  }

  "An alert raised by leak detection or the rule engine; all times are event times."
  type Alert {
    "Deterministic id (hash of meter, rule and start)."
    id: ID!
    "The meter it is about."
    meterId: ID!
    "The meter's sector when it was raised."
    sector: String
    "The configured rule's id, e.g. continuous-flow or fridge-too-warm."
    rule: String!
    "The rule's family."
    ruleKind: AlertRuleKind!
    "How urgent."
    severity: AlertSeverity!
    "Current state (latest transition)."
    state: AlertState!
    "When the condition began."
    startedAt: DateTime
    "When it ended (closed alerts)."
    endedAt: DateTime
    "Seconds from startedAt to endedAt, or to the meter's last reading while not closed."
    durationS: Float
    "Litres lost, where the rule can estimate it (leaks), as of the latest transition."
    estimatedLossL: Float
    "The numbers behind the alert, as a JSON object string."
    evidence: String
    "Time of the latest transition."
    updatedAt: DateTime!
    "The meter."
    meter: Meter
  }

  "Narrows an alerts query; all set fields must match."
  input AlertFilter {
    "Only this meter's alerts."
    meterId: ID
    "Only alerts of this sector."
    sector: String
    "Only alerts currently in this state."
    state: AlertState
    "Only this rule family."
    ruleKind: AlertRuleKind
    "Only this severity."
    severity: AlertSeverity
    "With to: only alerts in force at some time in [from, to) (started before to, not ended before from)."
    from: DateTime
    "With from: end of the window (exclusive)."
    to: DateTime
  }

  "Narrows a leaks query."
  input LeakFilter {
    "Only this sector's leaks."
    sector: String
    "Only this meter's leaks."
    meterId: ID
    "true: only leaks not closed; false: only closed ones; unset: both."
    open: Boolean
  }

  "An alert and its cursor."
  type AlertEdge {
    "Pass as after to get the alerts following this one."
    cursor: String!
    "The alert."
    node: Alert!
  }

  "A page of alerts, newest start first."
  type AlertConnection {
    "The alerts of this page."
    edges: [AlertEdge!]!
    "Whether more follow, and the cursor to get them."
    pageInfo: PageInfo!
    "Alerts matching the filter (all pages)."
    totalCount: Int!
  }

  type Query {
    "Alerts in their current state, newest start first; customers see only their meters' alerts."
    alerts(
      "Conditions the alerts must meet."
      filter: AlertFilter
      "Page size (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      first: Int = 50
      "endCursor of the previous page."
      after: String
    ): AlertConnection!

    "One alert in its current state (NOT_FOUND if unknown; FORBIDDEN if another customer's)."
    alert(
      "The alert's id."
      id: ID!
    ): Alert

    "Leak alerts (continuous flow, night flow, burst) with duration and estimated loss, newest first."
    leaks(
      "Conditions the leaks must meet."
      filter: LeakFilter
      "Page size (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      first: Int = 50
      "endCursor of the previous page."
      after: String
    ): AlertConnection!
  }
`;
