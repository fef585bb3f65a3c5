import { createHash } from 'node:crypto';
import { epcPayload } from './epc-payload';
import type { Payee } from './payee';
import { paymentUrl } from './payment-url';
import { pixPayload } from './pix-payload';

/** The standard a payment payload follows: PIX BR Code (BRL), EPC QR / SEPA (EUR), a payment URL (other currencies). */
export type PaymentScheme = 'PIX' | 'EPC' | 'URL';

export interface PaymentPayload {
  scheme: PaymentScheme;
  /** The text the QR code carries, byte for byte. */
  payload: string;
  /** The reference the payer's bank returns with the transfer (PIX txid, in EPC's remittance text and the URL's {reference}). */
  reference: string;
}

/** What is to be paid. */
export interface PaymentRequest {
  invoiceId: string;
  /** ISO 4217 of the invoice (its tariff's currency). */
  currency: string;
  /** Amount due in minor units. */
  amountCents: number;
}

/**
 * The payment payload for a request, chosen by its currency: BRL → PIX when the payee has a
 * PIX key, EUR → EPC when the payee has an IBAN, otherwise the payment URL when a template is
 * set; null when none applies or nothing is due (amountCents <= 0: a credit). Pure and
 * deterministic: the same request and payee give the same bytes.
 */
export function paymentPayloadFor(payee: Payee, request: PaymentRequest): PaymentPayload | null {
  if (request.amountCents <= 0) return null;
  const reference = paymentReference(request.invoiceId);
  const currency = request.currency.toUpperCase();
  if (currency === 'BRL' && payee.pix) {
    return { scheme: 'PIX', reference, payload: pixPayload({ ...payee.pix, amountCents: request.amountCents, txid: reference }) };
  }
  if (currency === 'EUR' && payee.sepa) {
    return { scheme: 'EPC', reference, payload: epcPayload({ ...payee.sepa, amountCents: request.amountCents, text: `${reference} invoice ${request.invoiceId}`.slice(0, 140) }) };
  }
  if (payee.urlTemplate) {
    return { scheme: 'URL', reference, payload: paymentUrl({ template: payee.urlTemplate, invoiceId: request.invoiceId, reference, amountCents: request.amountCents, currency }) };
  }
  return null;
}

/**
 * A payment reference for an invoice id: "MF" + the first 23 hex digits (upper case) of its
 * SHA-256, 25 characters of A-Z0-9, so it fits PIX's txid (at most 25 alphanumerics) and is the
 * same in every scheme. Invoice ids hold '/', which a txid may not.
 */
export function paymentReference(invoiceId: string): string {
  return `MF${createHash('sha256').update(invoiceId, 'utf8').digest('hex').slice(0, 23).toUpperCase()}`;
}
