/* GraphQL */
export const invoiceDocumentsTypeDefs = `
  "The standard a payment QR code follows, chosen by the invoice's currency (docs/invoice-documents.md)."
  enum PaymentScheme {
    "PIX BR Code (EMV QR, Banco Central do Brasil), for BRL."
    PIX
    "EPC QR code of a SEPA credit transfer (EPC069-12), for EUR."
    EPC
    "A payment URL (MF_PAYEE_URL_TEMPLATE), for other currencies."
    URL
  }

  "An invoice's PDF (amounts, period, readings, the last 12 periods, the payment QR code) and its payment payload."
  type InvoiceDocument {
    "Signed link to the PDF; needs no credentials, valid until expiresAt (MF_INVOICE_DOCUMENT_TTL_S)."
    url: String!
    "When the link stops working (403); ask again for a new one."
    expiresAt: DateTime!
    "How the QR code pays; null when nothing is due (a credit) or no payee is configured for the currency."
    paymentScheme: PaymentScheme
    "The exact text the QR code carries (PIX: the copy-and-paste code, CRC included)."
    paymentPayload: String
    "The payment's reference (PIX txid; in the EPC remittance text and the URL's {reference}), 25 characters."
    paymentReference: String
  }

  extend type Invoice {
    "The invoice's document: final and adjustment invoices only (null for a provisional one, which still changes)."
    document: InvoiceDocument
  }
`;
