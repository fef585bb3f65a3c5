import { MeterflowError } from '../errors';

/**
 * A payment URL for currencies without a QR standard here: a template whose placeholders
 * `{invoiceId}`, `{reference}`, `{amount}` (major units, "133.22") and `{currency}` (ISO 4217)
 * are replaced by their percent-encoded values, e.g.
 * `https://pay.example.com/invoices/{invoiceId}?amount={amount}&currency={currency}`.
 */
export interface PaymentUrlInput {
  template: string;
  invoiceId: string;
  reference: string;
  amountCents: number;
  currency: string;
}

export const paymentUrlPlaceholders = ['invoiceId', 'reference', 'amount', 'currency'] as const;

export function paymentUrl(input: PaymentUrlInput): string {
  checkPaymentUrlTemplate(input.template);
  const values: Record<(typeof paymentUrlPlaceholders)[number], string> = {
    invoiceId: input.invoiceId,
    reference: input.reference,
    amount: `${input.amountCents < 0 ? '-' : ''}${Math.floor(Math.abs(input.amountCents) / 100)}.${String(Math.abs(input.amountCents) % 100).padStart(2, '0')}`,
    currency: input.currency,
  };
  return input.template.replace(/\{(\w+)\}/g, (_, name: keyof typeof values) => encodeURIComponent(values[name]));
}

/**
 * Throws PAYMENT_PAYLOAD_INVALID (field `template`) unless the template is an http(s) URL whose
 * placeholders are all known and which names the invoice ({invoiceId} or {reference}).
 */
export function checkPaymentUrlTemplate(template: string): void {
  const names = [...template.matchAll(/\{(\w*)\}/g)].map((m) => m[1]!);
  const unknown = names.find((n) => !(paymentUrlPlaceholders as readonly string[]).includes(n));
  if (unknown !== undefined) throw invalid(`has an unknown placeholder {${unknown}} (known: ${paymentUrlPlaceholders.map((p) => `{${p}}`).join(', ')})`);
  if (!names.includes('invoiceId') && !names.includes('reference')) throw invalid('must name the invoice with {invoiceId} or {reference}');
  let url: URL;
  try {
    url = new URL(template.replace(/\{\w+\}/g, 'x'));
  } catch {
    throw invalid('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`must be an http or https URL, not ${url.protocol}`);
}

function invalid(message: string): MeterflowError {
  return new MeterflowError('PAYMENT_PAYLOAD_INVALID', `url.template: ${message}`);
}
