import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks (the payment provider's confirmations, docs/payments.md): the sender puts
 * the Unix time in seconds in `X-Meterflow-Timestamp` and `sha256=<hex>` in
 * `X-Meterflow-Signature`, the HMAC-SHA256 under a shared secret of `<timestamp>.<raw body>`
 * (the body's bytes as sent, before any JSON parsing). The receiver checks the signature in
 * constant time and refuses a timestamp further than the tolerance from its clock on either
 * side, so a captured request cannot be replayed later, and one stamped in the future cannot
 * be stored up for later either.
 */
export const webhookTimestampHeader = 'x-meterflow-timestamp';
export const webhookSignatureHeader = 'x-meterflow-signature';

/** The `X-Meterflow-Signature` value for a timestamp (Unix seconds, as sent) and a raw body. */
export function webhookSignature(secret: string, timestamp: string, body: string | Uint8Array): string {
  if (secret.length === 0) throw new Error('webhookSignature: the secret is empty');
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Why a webhook request is refused: every one is a 401 (no credentials that hold). */
export type WebhookRefusal = 'missing-timestamp' | 'missing-signature' | 'malformed-timestamp' | 'malformed-signature' | 'bad-signature' | 'too-old' | 'too-new';

export type WebhookCheck = { ok: true } | { ok: false; reason: WebhookRefusal; message: string };

export interface WebhookVerification {
  secret: string;
  /** Largest distance in seconds between the timestamp and the clock, either side. */
  toleranceS: number;
  /** The headers as received (undefined or null when absent). */
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  /** The raw body, byte for byte. */
  body: string | Uint8Array;
  nowMs: number;
}

/**
 * Whether a request carries a valid signature of its own body and a timestamp within the
 * window. The signature is checked first: a refusal for the window is only ever told to a
 * sender who holds the secret. Messages are short and safe to return to the caller.
 */
export function verifyWebhookSignature(input: WebhookVerification): WebhookCheck {
  const timestamp = input.timestamp?.trim() ?? '';
  const signature = input.signature?.trim() ?? '';
  if (timestamp === '') return refuse('missing-timestamp', `missing ${webhookTimestampHeader} header`);
  if (signature === '') return refuse('missing-signature', `missing ${webhookSignatureHeader} header`);
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('malformed-timestamp', `${webhookTimestampHeader} must be Unix time in seconds`);
  if (!/^sha256=[0-9a-fA-F]{64}$/.test(signature)) return refuse('malformed-signature', `${webhookSignatureHeader} must be sha256=<64 hex digits>`);
  const expected = Buffer.from(webhookSignature(input.secret, timestamp, input.body).slice('sha256='.length), 'hex');
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  // Constant time, so the signature cannot be found byte by byte from response times.
  if (!timingSafeEqual(expected, given)) return refuse('bad-signature', 'signature does not match');
  const ageS = Math.floor(input.nowMs / 1000) - Number(timestamp);
  if (ageS > input.toleranceS) return refuse('too-old', `timestamp is ${ageS} s old; the replay window is ${input.toleranceS} s`);
  if (-ageS > input.toleranceS) return refuse('too-new', `timestamp is ${-ageS} s ahead of the server clock; the replay window is ${input.toleranceS} s`);
  return { ok: true };
}

function refuse(reason: WebhookRefusal, message: string): WebhookCheck {
  return { ok: false, reason, message };
}
