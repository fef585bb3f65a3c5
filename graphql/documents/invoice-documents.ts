import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger';
import { paymentPayloadFor, type PaymentPayload } from '../../core/payments/payment-payload';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { createUrlSigner } from '../../core/security/url-signing';
import { billedInvoice, invoiceDocumentData } from './invoice-document-data';
import type { InvoiceDocumentOptions } from './invoice-document-options';
import { renderInvoicePdf } from './invoice-pdf';
import { plainAnswer, signedDocumentId } from './signed-document-request';

/** Where documents are served; the rest of the path is the percent-encoded invoice id + `.pdf`. */
export const invoiceDocumentPrefix = '/documents/invoices/';

/** What Invoice.document returns. */
export interface InvoiceDocumentLink {
  url: string;
  expiresAt: Date;
  payment: PaymentPayload | null;
}

/** The invoice fields a link depends on. */
export interface LinkedInvoice {
  id: string;
  currency: string | null;
  totalCents: number;
}

export interface InvoiceDocuments {
  /** A signed link to the invoice's PDF, valid for the configured TTL, and its payment payload. `origin` is used when no base URL is configured. */
  link(invoice: LinkedInvoice, origin: string, nowMs?: number): InvoiceDocumentLink;
  /** The payment payload of an invoice (what its QR code carries), or null. */
  payment(invoice: LinkedInvoice): PaymentPayload | null;
  /** The PDF of a final or adjusted invoice; null when there is no such invoice. */
  render(invoiceId: string): Promise<Buffer | null>;
  /** Whether an HTTP request is for a document (the server hands it to serve, not to GraphQL). */
  handles(request: IncomingMessage): boolean;
  /** Answers a document request: 200 PDF, 403 bad or expired link, 404 no such invoice. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface InvoiceDocumentsConfig {
  questdb: QuestdbPool;
  options: InvoiceDocumentOptions;
  /** The meter's zone (registry, else MF_BILLING_TIME_ZONE): the period's local dates. */
  zoneOf(meterId: string): Promise<string>;
  logger: Logger;
  /** Injected clock (tests). @default Date.now */
  now?: () => number;
}

/**
 * Invoice documents, generated on demand: the link is signed (HMAC, core/security/url-signing.ts)
 * and carries no credentials of the caller, so a browser, a mail client or `curl` can open it;
 * whoever asked GraphQL for it was checked there (Invoice is only reachable through queries that
 * enforce ownership). The PDF is rendered from the invoice's rows at each fetch and is the same
 * for the same rows (docs/invoice-documents.md).
 */
export function createInvoiceDocuments(config: InvoiceDocumentsConfig): InvoiceDocuments {
  const { options, questdb, logger } = config;
  const now = config.now ?? Date.now;
  const signer = createUrlSigner(options.secret);
  const payment = (invoice: LinkedInvoice) => paymentPayloadFor(options.payee, { invoiceId: invoice.id, currency: invoice.currency ?? '', amountCents: invoice.totalCents });

  // The name the invoice is issued by: the one the payer's bank will show for this scheme.
  function payeeNameFor(pay: PaymentPayload | null, currency: string | null): string | null {
    const { pix, sepa } = options.payee;
    if (pay?.scheme === 'PIX' || (!pay && currency === 'BRL')) return pix?.merchantName ?? sepa?.beneficiaryName ?? null;
    return sepa?.beneficiaryName ?? pix?.merchantName ?? null;
  }

  async function render(invoiceId: string): Promise<Buffer | null> {
    const invoice = await billedInvoice(questdb, invoiceId);
    if (!invoice) return null;
    const data = await invoiceDocumentData(questdb, invoice, await config.zoneOf(invoice.meterId));
    const pay = payment({ id: invoice.invoiceId, currency: invoice.currency, totalCents: invoice.totalCents });
    return renderInvoicePdf(data, pay, payeeNameFor(pay, invoice.currency));
  }

  return {
    link(invoice, origin, nowMs = now()) {
      const path = `${invoiceDocumentPrefix}${encodeURIComponent(invoice.id)}.pdf`;
      const { query, expiresAt } = signer.sign(path, nowMs, options.ttlS);
      return { url: `${options.baseUrl ?? origin}${path}?${query}`, expiresAt, payment: payment(invoice) };
    },
    payment,
    render,
    handles: (request) => (request.url ?? '').startsWith(invoiceDocumentPrefix),
    async serve(request, response) {
      const invoiceId = signedDocumentId(request, response, { pattern: /^\/documents\/invoices\/([^/?]+)\.pdf$/, methods: ['GET', 'HEAD'], renewal: 'Invoice.document' }, signer, now());
      if (invoiceId === null) return;
      try {
        const pdf = await render(invoiceId);
        if (!pdf) return plainAnswer(response, 404, 'no final or adjusted invoice with this id');
        response.writeHead(200, {
          'content-type': 'application/pdf',
          'content-length': pdf.length,
          'content-disposition': `inline; filename="invoice-${invoiceId.replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        });
        response.end(request.method === 'HEAD' ? undefined : pdf);
      } catch (error) {
        logger.error('invoice document failed', { invoiceId, error });
        plainAnswer(response, 503, 'document unavailable, retry later');
      }
    },
  };
}
