/* GraphQL */
export const gdprTypeDefs = `
  "Rows of one table: what an export holds or an erasure found."
  type TableRowCount {
    table: String!
    rows: Int!
  }

  "A period a customer had a meter: their readings and other meter data are this period's only."
  type OwnershipPeriod {
    meterId: ID!
    "Inclusive; null = from the meter's first data."
    from: DateTime
    "Exclusive; null = still theirs."
    to: DateTime
  }

  "A customer's data as a tar.gz archive (manifest.json + one JSON-lines file per table; docs/gdpr.md)."
  type CustomerDataExport {
    "Signed download link; needs no credentials, valid until expiresAt (MF_INVOICE_DOCUMENT_TTL_S). The archive is built at download."
    url: String!
    expiresAt: DateTime!
    "Rows per table when the export was asked for (the manifest of the archive repeats them)."
    rowCounts: [TableRowCount!]!
    periods: [OwnershipPeriod!]!
  }

  "What the law makes us keep is pseudonymised (pseudonymised), measurements anonymised (anonymised), free text cleared."
  enum ErasureAction {
    ANONYMISE
    PSEUDONYMISE
    KEEP
    NONE
  }

  "Rows of one table an erasure found, and what it did to them."
  type TableErasure {
    table: String!
    rows: Int!
    action: ErasureAction!
  }

  "The outcome of an erasure. It names no customer: the pseudonym now stands for them."
  type CustomerDataErasure {
    "erased-<24 hex digits>: HMAC-SHA256 of the customer id under MF_GDPR_PSEUDONYM_KEY; their invoices, payments and audit entries now carry it."
    pseudonym: String!
    erasedAt: DateTime!
    periods: [OwnershipPeriod!]!
    tables: [TableErasure!]!
    "Their rows still found after the updates applied: 0, unless ingest wrote one of their periods again meanwhile (erase again)."
    remaining: Int!
  }

  extend type Mutation {
    """
    Everything meterflow holds about a customer (admin; GDPR right of access and portability):
    registry entries and owner changes naming them, readings and the other data of their meters
    during their ownership periods only, invoices and their lines, payments, payment intents,
    alerts, commands and their events, audit entries about them, edge statistics, rolling
    averages. Audited. docs/gdpr.md.
    """
    exportCustomerData(customerId: ID!): CustomerDataExport!

    """
    Erases a customer (admin; GDPR right to erasure): readings and derived data of their
    ownership periods anonymised, personal fields of the registry and owner history cleared,
    invoices, payments and audit entries kept with their id replaced by a keyed pseudonym.
    'confirm' must repeat the customer id. Irreversible. The audit entry keeps the pseudonym
    only. docs/gdpr.md.
    """
    eraseCustomerData(customerId: ID!, "The customer id again, to confirm." confirm: String!): CustomerDataErasure!
  }
`;
