import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../../core/errors';
import { exportCustomerData, type CustomerExport } from '../../core/gdpr/customer-data-export';
import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { createUrlSigner } from '../../core/security/url-signing';
import { plainAnswer, signedDocumentId } from './signed-document-request';

/** Where customer data exports are served; the rest of the path is the percent-encoded customer id + `.tar.gz`. */
export const customerExportPrefix = '/documents/customer-exports/';

export interface CustomerDataExports {
  /** Builds the customer's archive now (its manifest is the mutation's answer) and a signed link to it. */
  create(customerId: string, origin: string): Promise<{ url: string; expiresAt: Date; export: CustomerExport }>;
  /** Whether an HTTP request is for an export (the server hands it to serve, not to GraphQL). */
  handles(request: IncomingMessage): boolean;
  /** Answers a download: 200 tar.gz, 403 bad or expired link. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface CustomerDataExportsConfig {
  questdb: QuestdbPool;
  /** Signs the links (MF_INVOICE_DOCUMENT_SECRET: the server's download-link key; the path keeps the two kinds apart). */
  secret: string;
  /** Link lifetime (MF_INVOICE_DOCUMENT_TTL_S). */
  ttlS: number;
  /** Origin of the links (MF_INVOICE_DOCUMENT_BASE_URL); null = the origin of the GraphQL request. */
  baseUrl: string | null;
  /** Zone of meters without one (MF_BILLING_TIME_ZONE). */
  defaultZone: string;
  logger: Logger;
  /** Injected clock (tests). @default Date.now */
  now?: () => number;
}

/**
 * Customer data exports (exportCustomerData), like invoice documents: the link is signed and
 * expires, carries no credentials, and the archive is built from the tables at each download
 * (stateless across API replicas; docs/gdpr.md). Only an admin can get a link.
 */
export function createCustomerDataExports(config: CustomerDataExportsConfig): CustomerDataExports {
  const now = config.now ?? Date.now;
  const signer = createUrlSigner(config.secret);
  const build = (customerId: string) => exportCustomerData(config.questdb, customerId, { defaultZone: config.defaultZone, now: now() });
  return {
    async create(customerId, origin) {
      const made = await build(customerId);
      const path = `${customerExportPrefix}${encodeURIComponent(customerId)}.tar.gz`;
      const { query, expiresAt } = signer.sign(path, now(), config.ttlS);
      return { url: `${config.baseUrl ?? origin}${path}?${query}`, expiresAt, export: made };
    },
    handles: (request) => (request.url ?? '').startsWith(customerExportPrefix),
    async serve(request, response) {
      const customerId = signedDocumentId(request, response, { pattern: /^\/documents\/customer-exports\/([^/?]+)\.tar\.gz$/, methods: ['GET'], renewal: 'exportCustomerData' }, signer, now());
      if (customerId === null) return;
      try {
        const { archive } = await build(customerId);
        response.writeHead(200, {
          'content-type': 'application/gzip',
          'content-length': archive.length,
          'content-disposition': 'attachment; filename="customer-data.tar.gz"',
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        });
        response.end(archive);
      } catch (error) {
        // The id is personal data: not in the log line.
        config.logger.error('customer data export failed', { error: describeError(error) });
        plainAnswer(response, 503, 'export unavailable, retry later');
      }
    },
  };
}
