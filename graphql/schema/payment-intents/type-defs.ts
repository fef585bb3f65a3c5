/* GraphQL */
export const paymentIntentsTypeDefs = `
  "Where a payment intent is (docs/payments.md)."
  enum PaymentIntentState {
    "Started; waiting for the payment provider's confirmation."
    OPEN
    "The provider confirmed it: the payment is recorded (paymentId)."
    PAID
    "Open past expiresAt: start a new one (the balance may have changed). A confirmation arriving later is still recorded."
    EXPIRED
  }

  "A request to pay what is left of an invoice: the payload a bank app reads (QR code) and the reference the payment comes back with."
  type PaymentIntent {
    "Derived from the invoice and the amount: starting again for the same balance gives the same intent."
    id: ID!
    "The invoice paid."
    invoiceId: ID!
    "The invoice's meter."
    meterId: ID!
    "The invoice's open balance when the intent was started, as a decimal string, e.g. \\"133.22\\"."
    amount: String!
    "The same in cents."
    amountCents: Int!
    "ISO 4217 currency of the invoice."
    currency: String!
    "The invoice's payment reference (MF + 23 hex digits): PIX txid, in the EPC remittance text, the URL's {reference}."
    reference: String!
    "The payload's standard, chosen by currency."
    scheme: PaymentScheme!
    "The text of the QR code, byte for byte (PIX: the copy-and-paste code, CRC included)."
    payload: String!
    "When it was started."
    createdAt: DateTime!
    "When an OPEN intent shows as EXPIRED (MF_PAYMENT_INTENT_TTL_S after createdAt)."
    expiresAt: DateTime!
    "OPEN, PAID or EXPIRED."
    state: PaymentIntentState!
    "When the money moved, as the provider says (PAID only)."
    paidAt: DateTime
    "The payment recorded for it (PAID only)."
    paymentId: ID
  }

  extend type Invoice {
    "Payment intents started for this invoice, newest first."
    paymentIntents: [PaymentIntent!]!
  }

  type Query {
    "A payment intent: customers only their own invoices' (another's is NOT_FOUND, as one that does not exist)."
    paymentIntent(id: ID!): PaymentIntent!
  }

  type Mutation {
    """
    Starts paying what is left of a final or adjustment invoice (customer: their own invoices;
    admin: any): returns the payment payload for the open balance. The payment is recorded
    when the payment provider confirms it (POST /payments/webhook), never by this call.
    """
    startPayment(
      "The invoice (final or adjustment, with a positive balance)."
      invoiceId: ID!
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): PaymentIntent!
  }
`;
