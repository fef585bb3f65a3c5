import { MeterflowError } from '../errors';

/**
 * PIX BR Code, static (Banco Central do Brasil, "Manual de Padrões para Iniciação do Pix"
 * § 6.1, on the EMV® QRCPS Merchant-Presented Mode): a string of TLV fields `IDLLvalue`, the ID
 * two digits, LL the value's length in two digits, the last field `6304` + the CRC16 of
 * everything before it (that `6304` included). Pure: no clock, no randomness.
 *
 * The fields written, in order:
 *
 * | ID | field | value |
 * |---|---|---|
 * | 00 | Payload Format Indicator | `01` |
 * | 26 | Merchant Account Information | 00 GUI `br.gov.bcb.pix`, 01 the PIX key, 02 an optional message |
 * | 52 | Merchant Category Code | `0000` |
 * | 53 | Transaction Currency | `986` (BRL, ISO 4217) |
 * | 54 | Transaction Amount | `133.22` (omitted when the payer types it) |
 * | 58 | Country Code | `BR` |
 * | 59 | Merchant Name | at most 25 characters |
 * | 60 | Merchant City | at most 15 characters |
 * | 62 | Additional Data Field Template | 05 Reference Label (txid): 1-25 of `A-Za-z0-9`, or `***` |
 * | 63 | CRC | 4 upper-case hex digits, CRC16-CCITT-FALSE |
 *
 * Lengths count characters, so every value must be printable ASCII (the manual's character
 * set; an accented name would make a UTF-8 QR code's byte count differ from its length field).
 */
export interface PixPayloadInput {
  /** The receiver's PIX key: CPF/CNPJ digits, e-mail, +55 phone or a random key (EVP), at most 77 characters. */
  key: string;
  /** Merchant name, 1-25 printable ASCII characters. */
  merchantName: string;
  /** Merchant city, 1-15 printable ASCII characters. */
  merchantCity: string;
  /** Amount in cents, > 0; null = the payer enters it. */
  amountCents: number | null;
  /** Reference label (txid): 1-25 of A-Za-z0-9, or '***' (none). */
  txid: string;
  /** Message shown to the payer (Merchant Account Information 02), optional. */
  message?: string;
}

/** The GUI of PIX inside Merchant Account Information (field 26). */
export const pixGui = 'br.gov.bcb.pix';

/**
 * CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR
 * (its check value, of "123456789", is 0x29B1). Over the payload's bytes.
 */
export function crc16CcittFalse(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** One EMV field: `id` + two-digit length + value (at most 99 characters). */
export function emvField(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw invalid('id', `EMV field id must be two digits, got "${id}"`);
  if (value.length > 99) throw invalid(`field ${id}`, `is ${value.length} characters; an EMV field holds at most 99`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** The complete BR Code, CRC included. Throws PAYMENT_PAYLOAD_INVALID naming the field at fault. */
export function pixPayload(input: PixPayloadInput): string {
  checkAscii('key', input.key, 1, 77);
  checkAscii('merchantName', input.merchantName, 1, 25);
  checkAscii('merchantCity', input.merchantCity, 1, 15);
  if (input.message !== undefined) checkAscii('message', input.message, 0, 72);
  if (!/^(?:[A-Za-z0-9]{1,25}|\*\*\*)$/.test(input.txid)) throw invalid('txid', 'must be 1-25 characters of A-Za-z0-9, or ***');
  const account = emvField('00', pixGui) + emvField('01', input.key) + (input.message ? emvField('02', input.message) : '');
  const body = [
    emvField('00', '01'),
    emvField('26', account),
    emvField('52', '0000'),
    emvField('53', '986'),
    input.amountCents === null ? '' : emvField('54', pixAmount(input.amountCents)),
    emvField('58', 'BR'),
    emvField('59', input.merchantName),
    emvField('60', input.merchantCity),
    emvField('62', emvField('05', input.txid)),
  ].join('');
  return withCrc(body);
}

/** `body` + `6304` + its CRC16-CCITT-FALSE in four upper-case hex digits. */
export function withCrc(body: string): string {
  const head = `${body}6304`;
  return head + crc16CcittFalse(head).toString(16).toUpperCase().padStart(4, '0');
}

/** Whether a BR Code's last four characters are the CRC of the rest. */
export function pixCrcMatches(payload: string): boolean {
  return payload.length > 8 && payload.slice(-8, -4) === '6304' && withCrc(payload.slice(0, -8)) === payload;
}

// Field 54: up to 13 characters, digits and a '.', two decimals ("0.01" … "9999999999.99").
function pixAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw invalid('amountCents', `must be a positive integer number of cents, got ${cents}`);
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  if (text.length > 13) throw invalid('amountCents', `${text} is longer than the 13 characters of field 54`);
  return text;
}

function checkAscii(field: string, value: string, min: number, max: number): void {
  if (!/^[\x20-\x7e]*$/.test(value)) throw invalid(field, 'must be printable ASCII (letters without accents)');
  if (value.length < min || value.length > max) throw invalid(field, `must be ${min}-${max} characters, got ${value.length}`);
}

function invalid(field: string, message: string): MeterflowError {
  return new MeterflowError('PAYMENT_PAYLOAD_INVALID', `pix.${field}: ${message}`);
}
