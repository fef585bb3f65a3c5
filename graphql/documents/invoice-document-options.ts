import { ConfigError } from '../../core/config/config-error';
import type { Config } from '../../core/config/load-config';
import { payeeFromConfig, type Payee } from '../../core/payments/payee';

/** Settings of invoice documents (docs/invoice-documents.md). */
export interface InvoiceDocumentOptions {
  /** Signs the download links (MF_INVOICE_DOCUMENT_SECRET). */
  secret: string;
  /** Link lifetime in seconds (MF_INVOICE_DOCUMENT_TTL_S). @default 900 */
  ttlS: number;
  /** Origin of the links, no trailing slash; null = the origin the GraphQL request reached (MF_INVOICE_DOCUMENT_BASE_URL). */
  baseUrl: string | null;
  /** Who the QR codes pay (MF_PAYEE_*). */
  payee: Payee;
}

/** Read and validated once at startup; errors name the variable. Production refuses the default secret (core/config/production-mode.ts). */
export function invoiceDocumentOptionsFromConfig(config: Config): InvoiceDocumentOptions {
  return {
    secret: config.string('MF_INVOICE_DOCUMENT_SECRET'),
    ttlS: config.int('MF_INVOICE_DOCUMENT_TTL_S'),
    baseUrl: baseUrlOf(config.string('MF_INVOICE_DOCUMENT_BASE_URL').trim()),
    payee: payeeFromConfig(config),
  };
}

function baseUrlOf(text: string): string | null {
  if (text === '') return null;
  const fail = (why: string) => new ConfigError('CONFIG_INVALID', 'MF_INVOICE_DOCUMENT_BASE_URL', `MF_INVOICE_DOCUMENT_BASE_URL ${why}; got "${text}" (e.g. https://api.example.com or https://example.com/meterflow)`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('must be an http or https URL');
  if (url.search || url.hash) throw fail('must have no query or fragment');
  return text.replace(/\/+$/, '');
}
