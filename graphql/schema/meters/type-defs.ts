/* GraphQL */
export const metersTypeDefs = `
  "What billing takes from a meter's registry record besides its time zone and tariff (docs/billing.md)."
  type MeterBillingSettings {
    registerModulus: Float
    "Consumption per register unit of advance of its first register (a current-transformer ratio, a pulse weight); null = 1. replaceMeterRegister may set another from its instant."
    registerMultiplier: Float
    billingCycleDay: Int
    maxFlowPerHour: Float
    serviceStart: DateTime
    serviceEnd: DateTime
  }

  "A meter: its registry record merged with what its readings say (meters that report unregistered are listed too, with kind and sector from their last reading)."
  type Meter {
    "The meter's id, as it publishes on MQTT."
    id: ID!
    "What it measures."
    kind: MeterKind!
    "Sector (district, fog node): the registry's, else its last reading's."
    sector: String
    "The customer it bills to (null when not registered)."
    customerId: ID
    "IANA time zone of its local days and billing periods (registry)."
    timeZone: String
    "Seconds between readings it is configured for (registry)."
    reportingIntervalS: Int
    "Tariff id (registry)."
    tariffId: ID
    "Free text, e.g. an address (registry)."
    label: String
    "Billing settings of its registry record: register modulus, cycle day, maximum flow, service period."
    billing: MeterBillingSettings!
    "When it was registered; null for a meter only seen in readings."
    registeredAt: DateTime
    "Last change of its registry record; null if never registered."
    updatedAt: DateTime
    "Event time of its last reading; null if it never reported."
    lastSeenAt: DateTime
    "Its latest reading."
    lastReading: Reading
    "Block status (ACTIVE unless an applied block command cut it)."
    status: MeterStatus!
    "Its sliding-window averages with window end in [from, to), oldest first."
    rollingAverages(
      "Window size as configured in the processors (MF_ROLLING_WINDOWS), e.g. 15m, 1h, 24h."
      window: String = "1h"
      "Start of the range of window ends (default: to - 24 h)."
      from: DateTime
      "End of the range (default: now)."
      to: DateTime
    ): [RollingAverage!]!
    "Its alerts that are not closed (open or acknowledged), newest first."
    openAlerts: [Alert!]!
    "The provisional invoice of its open billing period (the latest provisional), if any."
    currentBill: Invoice
    "Its invoices, newest period first."
    invoices(
      "How many (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      first: Int = 12
    ): [Invoice!]!
  }

  "Narrows a meters query; all set fields must match."
  input MeterFilter {
    "Only meters of this sector."
    sector: String
    "Only meters of this kind."
    kind: MeterKind
    "Only meters with this block state."
    status: MeterBlockState
    "Only this customer's meters (customers may only ask for their own)."
    customerId: ID
  }

  "A meter and its cursor."
  type MeterEdge {
    "Pass as after to get the meters following this one."
    cursor: String!
    "The meter."
    node: Meter!
  }

  "A page of meters, ordered by id."
  type MeterConnection {
    "The meters of this page."
    edges: [MeterEdge!]!
    "Whether more follow, and the cursor to get them."
    pageInfo: PageInfo!
    "Meters matching the filter (all pages)."
    totalCount: Int!
  }

  type Query {
    "One meter (NOT_FOUND if unknown; FORBIDDEN if it is another customer's)."
    meter(
      "The meter's id."
      id: ID!
    ): Meter

    "Meters ordered by id, a page at a time; customers see only their own."
    meters(
      "Conditions the meters must meet."
      filter: MeterFilter
      "Page size (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      first: Int = 50
      "endCursor of the previous page."
      after: String
    ): MeterConnection!
  }
`;
