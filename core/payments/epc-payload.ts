import { MeterflowError } from '../errors';

/**
 * The EPC QR code of a SEPA credit transfer (European Payments Council, EPC069-12 "Quick
 * Response Code: Guidelines to Enable Data Capture for the Initiation of a SEPA Credit
 * Transfer", version 3): lines separated by LF, in this order, trailing empty lines left out.
 * Pure: no clock, no randomness.
 *
 * | line | field | value |
 * |---|---|---|
 * | 1 | Service Tag | `BCD` |
 * | 2 | Version | `002` (the BIC is optional within the EEA) |
 * | 3 | Character set | `1` (UTF-8) |
 * | 4 | Identification | `SCT` |
 * | 5 | BIC of the beneficiary's bank | 8 or 11 characters, or empty |
 * | 6 | Beneficiary name | 1-70 characters |
 * | 7 | Beneficiary IBAN | up to 34 characters, valid check digits (ISO 13616) |
 * | 8 | Amount | `EUR` + 0.01-999999999.99 with a `.` and two decimals, e.g. `EUR133.22`; empty = the payer types it |
 * | 9 | Purpose | 4 letters (ISO 20022 code), or empty |
 * | 10 | Structured remittance (creditor reference, ISO 11649) | up to 35 characters; not with line 11 |
 * | 11 | Unstructured remittance | up to 140 characters; not with line 10 |
 * | 12 | Beneficiary to originator information | up to 70 characters, or empty |
 *
 * The whole payload holds at most 331 bytes; the QR code uses error correction level M.
 */
export interface EpcPayloadInput {
  /** Beneficiary's bank BIC (8 or 11 characters), or '' (version 002 allows none). */
  bic: string;
  beneficiaryName: string;
  iban: string;
  /** Amount in euro cents, 1 … 99,999,999,999; null = the payer enters it. */
  amountCents: number | null;
  /** ISO 20022 purpose code (4 letters), optional. */
  purpose?: string;
  /** Exactly one of reference (structured, ISO 11649 "RF…") and text (unstructured), or neither. */
  reference?: string;
  text?: string;
  /** Beneficiary to originator information, optional. */
  information?: string;
}

/** The largest EPC QR payload, in bytes (EPC069-12). */
export const epcMaxBytes = 331;

export function epcPayload(input: EpcPayloadInput): string {
  const bic = input.bic.trim().toUpperCase();
  if (bic !== '' && !isBic(bic)) throw invalid('bic', 'must be 8 or 11 characters: 4 letters (bank), 2 letters (country), 2 letters or digits (location), optionally 3 letters or digits (branch)');
  const iban = normalizeIban(input.iban);
  if (!isIban(iban)) throw invalid('iban', 'is not a valid IBAN (country, check digits, account; ISO 13616 mod 97)');
  const name = input.beneficiaryName.trim();
  if (name.length < 1 || name.length > 70) throw invalid('beneficiaryName', `must be 1-70 characters, got ${name.length}`);
  checkText('beneficiaryName', name, 70);
  checkText('purpose', input.purpose ?? '', 4, /^([A-Z]{4})?$/);
  if (input.reference && input.text) throw invalid('reference', 'give a structured reference or an unstructured text, not both');
  checkText('reference', input.reference ?? '', 35);
  checkText('text', input.text ?? '', 140);
  checkText('information', input.information ?? '', 70);
  const lines = ['BCD', '002', '1', 'SCT', bic, name, iban, input.amountCents === null ? '' : epcAmount(input.amountCents), input.purpose ?? '', input.reference ?? '', input.text ?? '', input.information ?? ''];
  while (lines.at(-1) === '') lines.pop();
  const payload = lines.join('\n');
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > epcMaxBytes) throw invalid('text', `the payload is ${bytes} bytes; an EPC QR code holds at most ${epcMaxBytes}`);
  return payload;
}

/** "EUR" + the amount with two decimals: 13322 → "EUR133.22". */
export function epcAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 1 || cents > 99_999_999_999) throw invalid('amountCents', `must be 1 … 99999999999 cents (EUR 0.01 … 999999999.99), got ${cents}`);
  return `EUR${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Spaces removed, upper case: "de89 3704 0044 0532 0130 00" → "DE89370400440532013000". */
export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616: two letters, two check digits, up to 30 letters or digits, and the number (letters A=10 … Z=35, the first four moved to the end) mod 97 = 1. */
export function isIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

/** ISO 9362: 4 letters bank, 2 letters country, 2 location, optional 3 branch. */
export function isBic(bic: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic);
}

function checkText(field: string, value: string, max: number, pattern?: RegExp): void {
  if (value.length > max) throw invalid(field, `must be at most ${max} characters, got ${value.length}`);
  if (/[\r\n]/.test(value)) throw invalid(field, 'must not contain a line break (it separates the fields)');
  if (pattern && !pattern.test(value)) throw invalid(field, `does not match ${pattern}`);
}

function invalid(field: string, message: string): MeterflowError {
  return new MeterflowError('PAYMENT_PAYLOAD_INVALID', `epc.${field}: ${message}`);
}
