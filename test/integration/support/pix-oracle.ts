import { createHash } from 'node:crypto';

// The PIX BR Code the tests expect, built here on its own (TLV by hand, a table-driven CRC16)
// rather than with core/payments/pix-payload.ts: the tests' independent oracle. The payee is the
// one the tests configure (MF_PAYEE_PIX_KEY = pixKey, merchant SANEAMENTO TESTE, SAO PAULO).

export const pixKey = '123e4567-e12b-12d1-a456-426655440000';

/** CRC-16/CCITT-FALSE, table-driven. */
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = (c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1) & 0xffff;
  return c;
});
export const crc16 = (text: string) => [...Buffer.from(text, 'latin1')].reduce((crc, byte) => ((crc << 8) & 0xffff) ^ crcTable[((crc >> 8) ^ byte) & 0xff]!, 0xffff);
const tlv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`;

/** An invoice's payment reference: MF + 23 hex digits of the SHA-256 of its id, upper case. */
export const paymentReferenceOf = (invoiceId: string) => `MF${createHash('sha256').update(invoiceId).digest('hex').slice(0, 23).toUpperCase()}`;

/** The BR Code (static, with amount) for paying `amount` (a decimal string) of an invoice. */
export function expectedPix(invoiceId: string, amount: string): string {
  const body =
    tlv('00', '01') +
    tlv('26', tlv('00', 'br.gov.bcb.pix') + tlv('01', pixKey)) +
    tlv('52', '0000') +
    tlv('53', '986') +
    tlv('54', amount) +
    tlv('58', 'BR') +
    tlv('59', 'SANEAMENTO TESTE') +
    tlv('60', 'SAO PAULO') +
    tlv('62', tlv('05', paymentReferenceOf(invoiceId))) +
    '6304';
  return body + crc16(body).toString(16).toUpperCase().padStart(4, '0');
}
