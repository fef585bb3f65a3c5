/* GraphQL */
export const paymentsTypeDefs = `
  "A payment recorded against an invoice."
  type Payment {
    "Derived from the invoice and the reference: the same reference never counts twice."
    id: ID!
    "The invoice paid."
    invoiceId: ID!
    "The invoice's meter."
    meterId: ID!
    "Amount as a decimal string, e.g. \\"133.22\\"."
    amount: String!
    "Amount in cents."
    amountCents: Int!
    "Currency of the invoice."
    currency: String!
    "The payer's or bank's reference."
    reference: String!
    "Who recorded it (API key name or JWT subject)."
    recordedBy: String!
    "When it was recorded."
    recordedAt: DateTime!
    "The invoice's balance after this payment, in cents (0 = settled)."
    invoiceBalanceCents: Int!
    "The meter's overdue balance after this payment, in cents (what the debt policy looks at)."
    meterOverdueCents: Int!
    "The unblock command this payment triggered (meter blocked for DEBT whose overdue balance reached zero), if any."
    unblockCommand: Command
  }

  type Mutation {
    """
    Records a payment of a final or adjustment invoice (admin). The amount may not exceed the
    invoice's balance. Recording the same reference again returns the first payment. When a
    meter blocked for DEBT has no overdue balance left, an unblock command is issued.
    """
    payInvoice(
      "The invoice paid (final or adjustment; provisional bills are not payable)."
      invoiceId: ID!
      "Decimal amount in the invoice's currency, at most 2 decimals, e.g. \\"133.22\\"."
      amount: String!
      "Payment reference (bank slip, transaction id), 1-100 characters."
      reference: String!
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Payment!
  }
`;
