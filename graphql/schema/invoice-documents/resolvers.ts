import type { GraphqlContext } from '../../context';
import type { InvoiceView } from '../invoices/invoice-queries';

/**
 * Invoice.document. The Invoice it resolves on was already filtered by the query that returned
 * it (a customer only ever gets their own invoices: invoices, Meter.invoices), so no further
 * check is needed here; the link it hands out is the capability.
 */
export function resolveInvoiceDocument(invoice: InvoiceView, _: unknown, context: GraphqlContext & { request?: Request }) {
  if (invoice.status === 'PROVISIONAL') return null;
  // Without MF_INVOICE_DOCUMENT_BASE_URL, links start with the origin this request reached.
  const origin = context.request ? new URL(context.request.url).origin : '';
  const link = context.documents.link({ id: invoice.id, currency: invoice.currency, totalCents: invoice.totalCents }, origin);
  return {
    url: link.url,
    expiresAt: link.expiresAt,
    paymentScheme: link.payment?.scheme ?? null,
    paymentPayload: link.payment?.payload ?? null,
    paymentReference: link.payment?.reference ?? null,
  };
}

export const invoiceDocumentsResolvers = {
  Invoice: { document: resolveInvoiceDocument },
};
