import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UrlSigner } from '../../core/security/url-signing';

/** A short text answer, never a stack trace. */
export function plainAnswer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  response.end(`${text}\n`);
}

export interface SignedDocumentRoute {
  /** The path with the document's id as its one capture group, e.g. /^\/documents\/invoices\/([^/?]+)\.pdf$/. */
  pattern: RegExp;
  /** Methods served; another gets 405. */
  methods: readonly string[];
  /** Said in the 403 of an expired link: where to ask for a new one. */
  renewal: string;
}

/**
 * The checks every signed document link goes through (invoice PDFs, customer data exports): the
 * method, the path, the signature and expiry over the path, the id decoded. Answers the request
 * itself (405, 404, 403) and returns null when one fails; otherwise the document's id.
 */
export function signedDocumentId(request: IncomingMessage, response: ServerResponse, route: SignedDocumentRoute, signer: UrlSigner, nowMs: number): string | null {
  const [path = '', search = ''] = (request.url ?? '').split('?', 2);
  if (!route.methods.includes(request.method ?? '')) {
    plainAnswer(response, 405, `method not allowed: ${route.methods.join(' or ')}`, { allow: route.methods.join(', ') });
    return null;
  }
  const match = route.pattern.exec(path);
  if (!match) {
    plainAnswer(response, 404, 'not found');
    return null;
  }
  const params = new URLSearchParams(search);
  const check = signer.verify(path, params.get('exp'), params.get('sig'), nowMs);
  if (check !== 'valid') {
    plainAnswer(response, 403, check === 'expired' ? `this link has expired: ask for a new one (${route.renewal})` : 'invalid link signature');
    return null;
  }
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    plainAnswer(response, 404, 'not found');
    return null;
  }
}
