/* GraphQL */
export const invoicesTypeDefs = `
  "Where a bill is in its lifecycle (docs/billing.md)."
  enum InvoiceStatus {
    "The open period's bill as it stands; rewritten as readings arrive."
    PROVISIONAL
    "The closed period's bill (period end + grace); never changed."
    FINAL
    "A separate bill of the differences late data made to a final one."
    ADJUSTMENT
  }

  "What an invoice line charges."
  enum InvoiceLineKind {
    "Fixed charge per period."
    FIXED
    "A block of an inclining tariff."
    TIER
    "A time-of-use period's block."
    TOU
    "A difference to a final bill (adjustments)."
    ADJUSTMENT
  }

  "One line of an invoice."
  type InvoiceLine {
    "Position on the invoice, from 1."
    lineNo: Int!
    "What it charges."
    kind: InvoiceLineKind!
    "For an adjustment line, the kind of charge it corrects."
    adjusts: InvoiceLineKind
    "The tariff priced."
    tariffId: String
    "Block number (1-based) of tier and time-of-use lines."
    tier: Int
    "Time-of-use period name."
    touPeriod: String
    "Quantity in unit (fixed lines: the fraction of the period billed)."
    quantity: Float
    "Unit of quantity, e.g. m3, kWh, period."
    unit: String
    "Price per unit in major currency units; null for a flat block amount."
    rate: Float
    "Amount in cents (negative for a credit)."
    amountCents: Int!
    "Human-readable description."
    description: String
  }

  "Whether register reads measure an invoice's period."
  enum ReadStatus {
    READ
    ESTIMATED
    NO_READ
  }

  "A bill of one meter for one billing period (the latest revision of its row)."
  type Invoice {
    "<meterId>/<period label>; the part of a customer who moved in during the period <meterId>/<period label>/from-<date>; adjustments add /adj-<n>."
    id: ID!
    "The meter billed."
    meterId: ID!
    "The customer billed: the meter's owner over the invoice's days (null: none named, or vacant)."
    customerId: ID
    "The meter's sector."
    sector: String
    "Lifecycle status."
    status: InvoiceStatus!
    "For an adjustment, the final invoice it corrects."
    adjusts: ID
    "0 for provisional and final invoices, n for the n-th adjustment of a period."
    revision: Int!
    "The period's local start date, YYYY-MM-DD."
    periodLabel: String!
    "Start of the period."
    periodStart: DateTime!
    "End of the period (exclusive)."
    periodEnd: DateTime
    "Event time the bill was computed for."
    issuedAt: DateTime
    "Local date payment is due, YYYY-MM-DD."
    dueDate: String
    "ISO 4217 currency."
    currency: String
    """
    In consumptionUnit. Provisional and final invoices: the consumption in the period. An
    adjustment: the change it bills, i.e. the period's consumption as now known minus what its
    final and earlier adjustments billed (negative when it credits); the period's consumption
    is the sum over its final invoice and its adjustments.
    """
    consumption: Float
    "Unit of consumption (the register's)."
    consumptionUnit: String
    "Whether register reads measure the period: READ, ESTIMATED (an estimate among them) or NO_READ (none: the meter was silent; its consumption is billed when it reports again)."
    readStatus: ReadStatus!
    "Consumption over a gap of more than a month that began in an earlier period, billed in this one (included in consumption)."
    carriedConsumption: Float!
    "Register jumps beyond the meter's maximum flow in the period, held for review and not billed (acceptMeterRead bills one)."
    heldJumps: Int!
    "Total as stored: a decimal string, e.g. 133.22."
    total: String
    "Total in cents (the sum of the lines)."
    totalCents: Int!
    "Sum of the payments recorded for this invoice, in cents."
    paidCents: Int!
    "totalCents - paidCents."
    balanceCents: Int!
    "Its lines, in order."
    lines: [InvoiceLine!]!
    "Provisional invoices: the bill projected to the period's end, against the previous period's final bill (null once final, or until the readings cover 7 days)."
    projection: BillProjection
    "The meter."
    meter: Meter
  }

  """
  The running period's bill projected to its end: the consumption of the days read so far,
  scaled to the whole period (the same hourly profile), priced with the meter's tariff. The
  bill-variation alert (docs/customer-alerts.md) fires from it during the period.
  """
  type BillProjection {
    "Projected total, a decimal string, e.g. 109.15."
    total: String!
    "Projected total in cents."
    totalCents: Int!
    "Projected consumption in the invoice's consumptionUnit."
    consumption: Float
    "Share of the period the readings cover, 0–1."
    coverage: Float
    "The previous period's final bill of the same meter (and customer), in cents; null when there is none."
    previousTotalCents: Int
    "Projected total / previous final total − 1, e.g. 0.3 = 30 % more; null without a previous final bill."
    change: Float
  }

  "An invoice and its cursor."
  type InvoiceEdge {
    "Pass as after to get the invoices following this one."
    cursor: String!
    "The invoice."
    node: Invoice!
  }

  "A page of invoices, newest period first."
  type InvoiceConnection {
    "The invoices of this page."
    edges: [InvoiceEdge!]!
    "Whether more follow, and the cursor to get them."
    pageInfo: PageInfo!
    "Invoices matching (all pages)."
    totalCount: Int!
  }

  type Query {
    "One meter's or one customer's invoices (exactly one of meterId and customerId), newest period first."
    invoices(
      "The meter."
      meterId: ID
      "The customer (customers: only their own)."
      customerId: ID
      "YYYY-MM: periods starting that month; YYYY-MM-DD: the period with that label."
      period: String
      "Page size (at most MF_GRAPHQL_MAX_PAGE_SIZE)."
      first: Int = 20
      "endCursor of the previous page."
      after: String
    ): InvoiceConnection!
  }
`;
