import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger';
import { verifyWebhookSignature, webhookSignatureHeader, webhookTimestampHeader } from '../../core/security/webhook-signing';
import type { ConfirmationAnswer } from './confirm-payment';
import { parsePaymentConfirmation, type PaymentConfirmation } from './payment-confirmation';

/** Where the payment provider posts its confirmations. */
export const paymentWebhookPath = '/payments/webhook';

/** Largest body accepted; a confirmation is a few hundred bytes. */
export const maxWebhookBodyBytes = 16 * 1024;

export interface PaymentWebhook {
  /** Whether an HTTP request is for the webhook (the server hands it to serve, not to GraphQL). */
  handles(request: IncomingMessage): boolean;
  serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface PaymentWebhookConfig {
  secret: string;
  toleranceS: number;
  /** Records a verified, well-formed confirmation (confirm-payment.ts). */
  confirm(confirmation: PaymentConfirmation): Promise<ConfirmationAnswer>;
  logger: Logger;
  /** Injected clock. @default Date.now */
  now?: () => number;
}

/**
 * POST /payments/webhook, in this order (docs/payments.md): 405 unless POST; 413 above
 * 16 KB; 401 without a valid signature of the raw body or outside the replay window; 400 when
 * the body is not a confirmation (the error names the field); then the confirmation's own
 * answer (200, 422, 503). Every answer is a short JSON object, never a stack trace.
 */
export function createPaymentWebhook(config: PaymentWebhookConfig): PaymentWebhook {
  const now = config.now ?? Date.now;
  const log = config.logger;
  return {
    handles: (request) => (request.url ?? '').split('?', 1)[0] === paymentWebhookPath,
    async serve(request, response) {
      try {
        if (request.method !== 'POST') return json(response, 405, { ok: false, error: 'method not allowed: POST' }, { allow: 'POST' });
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > maxWebhookBodyBytes) return tooLarge(response);
        const body = await readBody(request, maxWebhookBodyBytes);
        if (body === null) return tooLarge(response);
        const check = verifyWebhookSignature({
          secret: config.secret,
          toleranceS: config.toleranceS,
          timestamp: header(request, webhookTimestampHeader),
          signature: header(request, webhookSignatureHeader),
          body,
          nowMs: now(),
        });
        if (!check.ok) {
          log.warn('payment webhook refused', { reason: check.reason, remote: request.socket.remoteAddress });
          return json(response, 401, { ok: false, error: check.message });
        }
        const parsed = parsePaymentConfirmation(body.toString('utf8'));
        if (!parsed.ok) return json(response, 400, { ok: false, error: `${parsed.field}: ${parsed.message}`, field: parsed.field });
        const answer = await config.confirm(parsed.value);
        return json(response, answer.status, answer.body);
      } catch (error) {
        log.error('payment webhook failed', { error });
        if (!response.headersSent) json(response, 503, { ok: false, error: 'payment not recorded, retry later' });
      }
    },
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The body, or null once it passes `max` bytes (reading stops there). */
function readBody(request: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        request.off('data', onData);
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

// The rest of an oversized body is not read: the server closes the connection after the answer.
function tooLarge(response: ServerResponse): void {
  json(response, 413, { ok: false, error: `body larger than ${maxWebhookBodyBytes} bytes` }, { connection: 'close' });
}

function json(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  response.end(text);
}
