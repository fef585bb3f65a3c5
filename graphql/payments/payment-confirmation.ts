import { parseAmountCents } from '../billing/parse-amount';

/**
 * The body of a payment provider's confirmation (POST /payments/webhook, docs/payments.md):
 *
 * ```json
 * { "providerReference": "E1234567820261201123456789abcdef", "reference": "MF0A1B2C3D4E5F60718293A4B",
 *   "amount": "133.22", "currency": "BRL", "paidAt": "2026-12-01T13:05:00Z" }
 * ```
 *
 * | field | meaning | rule |
 * |---|---|---|
 * | providerReference | the provider's id of this payment (PIX end-to-end id, bank transaction id) | 1-100 printable ASCII, no spaces; the same payment always carries the same one (it is what makes a redelivery idempotent) |
 * | reference | the reference the payer's bank returned: the intent's (PIX txid, EPC remittance text, the URL's {reference}) | `MF` + 23 upper-case hex digits |
 * | amount | what was paid, in the currency's major units | decimal string, at most 2 decimals, > 0 (no float touches money) |
 * | currency | ISO 4217 | 3 upper-case letters |
 * | paidAt | when the money moved, as the provider says | RFC 3339 date-time with a zone (`Z` or `±hh:mm`) |
 *
 * Other fields are ignored (a provider may send more).
 */
export interface PaymentConfirmation {
  providerReference: string;
  reference: string;
  /** As sent, e.g. "133.22". */
  amount: string;
  amountCents: number;
  currency: string;
  /** Epoch ms. */
  paidAt: number;
}

export type ParsedConfirmation = { ok: true; value: PaymentConfirmation } | { ok: false; field: string; message: string };

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses and checks a raw body; a refusal names the field at fault (`body` when it is not a JSON object). */
export function parsePaymentConfirmation(raw: string): ParsedConfirmation {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refuse('body', 'is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse('body', 'must be a JSON object');
  const fields = body as Record<string, unknown>;
  const text = (field: string): string | ParsedConfirmation => {
    const value = fields[field];
    if (value === undefined || value === null) return refuse(field, 'is missing');
    if (typeof value !== 'string') return refuse(field, `must be a string, got ${Array.isArray(value) ? 'array' : typeof value}`);
    return value;
  };

  const providerReference = text('providerReference');
  if (typeof providerReference !== 'string') return providerReference;
  if (!/^[\x21-\x7e]{1,100}$/.test(providerReference)) return refuse('providerReference', 'must be 1-100 printable ASCII characters without spaces');
  const reference = text('reference');
  if (typeof reference !== 'string') return reference;
  if (!/^MF[0-9A-F]{23}$/.test(reference)) return refuse('reference', 'must be MF followed by 23 upper-case hex digits (the payment intent\'s reference)');
  const amount = text('amount');
  if (typeof amount !== 'string') return amount;
  const amountCents = parseAmountCents(amount);
  if (amountCents === null || amountCents === 0 || amount.trim() !== amount) return refuse('amount', 'must be a positive decimal string with at most 2 decimals, e.g. "133.22"');
  const currency = text('currency');
  if (typeof currency !== 'string') return currency;
  if (!/^[A-Z]{3}$/.test(currency)) return refuse('currency', 'must be an ISO 4217 code of 3 upper-case letters, e.g. "BRL"');
  const paidAt = text('paidAt');
  if (typeof paidAt !== 'string') return paidAt;
  const paidAtMs = Date.parse(paidAt);
  if (!rfc3339.test(paidAt) || !Number.isFinite(paidAtMs)) return refuse('paidAt', 'must be an RFC 3339 date-time with a zone, e.g. "2026-12-01T13:05:00Z"');
  return { ok: true, value: { providerReference, reference, amount, amountCents, currency, paidAt: paidAtMs } };
}

function refuse(field: string, message: string): ParsedConfirmation {
  return { ok: false, field, message };
}
