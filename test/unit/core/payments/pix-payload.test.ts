import { isMeterflowError } from '../../../../core/errors';
import { crc16CcittFalse, emvField, pixCrcMatches, pixPayload, withCrc } from '../../../../core/payments/pix-payload';

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

// Published BR Codes with their CRC, copied as published (Banco Central do Brasil, "Manual de
// Padrões para Iniciação do Pix": the BR Code example with key 123e4567-…, § 6.1 static and
// § 6.2 dynamic examples). The § 6.1 one is published with field 62's length as 08 although
// its value "0503***" has 7 characters; its CRC is over those bytes as they are.
const published = {
  example: '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D',
  static61: '00020126360014BR.GOV.BCB.PIX0114+5511943214321520400005303986540566.665802BR5907EMPRESA6008BRASILIA62080503***6304170E',
  dynamic62: '00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB',
};

describe('CRC16-CCITT-FALSE', () => {
  it('gives the catalogue check value 29B1 for "123456789"', () => {
    expect(hex(crc16CcittFalse('123456789'))).toBe('29B1');
  });

  it.each(Object.entries(published))('matches the CRC of the published BR Code %s', (_, code) => {
    expect(hex(crc16CcittFalse(code.slice(0, -4)))).toBe(code.slice(-4));
    expect(pixCrcMatches(code)).toBe(true);
  });

  it('detects one changed character', () => {
    const tampered = published.example.replace('Fulano', 'Fulana');
    expect(pixCrcMatches(tampered)).toBe(false);
    expect(withCrc(tampered.slice(0, -8)).slice(-4)).not.toBe('1D3D');
  });

  it('of an empty input is the initial value', () => {
    expect(hex(crc16CcittFalse(''))).toBe('FFFF');
  });
});

describe('pixPayload', () => {
  it('rebuilds the published example byte for byte from its fields', () => {
    expect(pixPayload({ key: '123e4567-e12b-12d1-a456-426655440000', merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', amountCents: null, txid: '***' })).toBe(published.example);
  });

  it('writes amount, txid and message as TLV fields in the order of the manual', () => {
    const code = pixPayload({ key: '+5511943214321', merchantName: 'EMPRESA', merchantCity: 'BRASILIA', amountCents: 13322, txid: 'MF0123456789ABCDEF0123456', message: 'Fatura' });
    // Hand-split: 00 02 01 | 26 46 (00 14 br.gov.bcb.pix, 01 14 +5511943214321, 02 06 Fatura) | 52 04 0000 | 53 03 986 | 54 06 133.22 | 58 02 BR | 59 07 EMPRESA | 60 08 BRASILIA | 62 29 (05 25 MF…) | 63 04 CRC
    const body = '000201' + '2646' + '0014br.gov.bcb.pix' + '0114+5511943214321' + '0206Fatura' + '52040000' + '5303986' + '5406133.22' + '5802BR' + '5907EMPRESA' + '6008BRASILIA' + '6229' + '0525MF0123456789ABCDEF0123456' + '6304';
    expect(code.slice(0, -4)).toBe(body);
    expect(code.slice(-4)).toBe(hex(crc16CcittFalse(body)));
  });

  it('formats amounts with two decimals', () => {
    const code = (cents: number) => pixPayload({ key: 'k@example.com', merchantName: 'N', merchantCity: 'C', amountCents: cents, txid: '***' });
    expect(code(1)).toContain('53039865404' + '0.01' + '5802BR');
    expect(code(100)).toContain('53039865404' + '1.00' + '5802BR');
    expect(code(123456789)).toContain('53039865410' + '1234567.89' + '5802BR');
  });

  it.each([
    ['merchantName', { merchantName: 'A name longer than 25 chars' }, 'pix.merchantName'],
    ['merchantCity', { merchantCity: 'SÃO PAULO' }, 'pix.merchantCity: must be printable ASCII'],
    ['txid', { txid: 'has-dash' }, 'pix.txid'],
    ['txid', { txid: 'A'.repeat(26) }, 'pix.txid'],
    ['amountCents', { amountCents: 0 }, 'pix.amountCents'],
    ['amountCents', { amountCents: 12.5 }, 'pix.amountCents'],
    ['key', { key: '' }, 'pix.key'],
  ])('refuses a bad %s, naming it', (_, change, message) => {
    const input = { key: 'k@example.com', merchantName: 'N', merchantCity: 'C', amountCents: 100, txid: '***', ...change };
    let thrown: unknown;
    try {
      pixPayload(input);
    } catch (error) {
      thrown = error;
    }
    expect(isMeterflowError(thrown, 'PAYMENT_PAYLOAD_INVALID')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });

  it('emvField counts the value length in two digits', () => {
    expect(emvField('59', 'EMPRESA')).toBe('5907EMPRESA');
    expect(() => emvField('59', 'x'.repeat(100))).toThrow(/at most 99/);
  });
});
