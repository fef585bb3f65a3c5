import { isMeterflowError } from '../../../../core/errors';
import { epcAmount, epcPayload, isBic, isIban, normalizeIban } from '../../../../core/payments/epc-payload';

const base = { bic: 'COBADEFFXXX', beneficiaryName: 'Stadtwerke Musterstadt', iban: 'DE89 3704 0044 0532 0130 00', amountCents: 13322 };

describe('epcPayload (EPC069-12)', () => {
  it('writes the twelve lines in order, LF-separated, trailing empty ones left out', () => {
    expect(epcPayload({ ...base, text: 'MF0123 invoice m1/2026-01-01' })).toBe(
      ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Stadtwerke Musterstadt', 'DE89370400440532013000', 'EUR133.22', '', '', 'MF0123 invoice m1/2026-01-01'].join('\n'),
    );
  });

  it('keeps empty lines between set fields (no BIC, no purpose, a structured reference, information)', () => {
    const payload = epcPayload({ ...base, bic: '', reference: 'RF18539007547034', information: 'Thanks' });
    const lines = payload.split('\n');
    expect(lines).toEqual(['BCD', '002', '1', 'SCT', '', 'Stadtwerke Musterstadt', 'DE89370400440532013000', 'EUR133.22', '', 'RF18539007547034', '', 'Thanks']);
    expect(payload).not.toContain('\r');
  });

  it('leaves the amount out when the payer enters it', () => {
    expect(epcPayload({ ...base, amountCents: null }).split('\n')).toEqual(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Stadtwerke Musterstadt', 'DE89370400440532013000']);
  });

  it('formats amounts as EUR with two decimals within 0.01 … 999999999.99', () => {
    expect(epcAmount(1)).toBe('EUR0.01');
    expect(epcAmount(100)).toBe('EUR1.00');
    expect(epcAmount(99_999_999_999)).toBe('EUR999999999.99');
    expect(() => epcAmount(0)).toThrow(/epc.amountCents/);
    expect(() => epcAmount(100_000_000_000)).toThrow(/epc.amountCents/);
  });

  it('checks IBANs with ISO 13616 mod 97 and BICs by shape', () => {
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE89370400440532013001')).toBe(false);
    expect(isIban('BE72000000001616')).toBe(true);
    expect(isIban('FR1420041010050500013M02606')).toBe(true);
    expect(normalizeIban(' fr14 2004 1010 0505 0001 3m02 606 ')).toBe('FR1420041010050500013M02606');
    expect(isBic('COBADEFF')).toBe(true);
    expect(isBic('COBADEFFXXX')).toBe(true);
    expect(isBic('COBADE')).toBe(false);
  });

  it.each([
    ['iban', { iban: 'DE89370400440532013001' }],
    ['bic', { bic: 'NOT-A-BIC' }],
    ['beneficiaryName', { beneficiaryName: '' }],
    ['beneficiaryName', { beneficiaryName: 'Two\nlines' }],
    ['beneficiaryName', { beneficiaryName: 'x'.repeat(71) }],
    ['reference', { reference: 'RF18539007547034', text: 'both' }],
    ['purpose', { purpose: 'toolong' }],
    ['text', { text: 'x'.repeat(141) }],
  ])('refuses a bad %s, naming it', (field, change) => {
    let thrown: unknown;
    try {
      epcPayload({ ...base, ...change });
    } catch (error) {
      thrown = error;
    }
    expect(isMeterflowError(thrown, 'PAYMENT_PAYLOAD_INVALID')).toBe(true);
    expect((thrown as Error).message).toMatch(new RegExp(`^epc\\.${field}:`));
  });

  it('refuses a payload beyond 331 bytes (multi-byte UTF-8 counts by bytes)', () => {
    // 70 + 140 + 70 characters of 'é' (2 bytes each) is far beyond 331 bytes.
    expect(() => epcPayload({ ...base, beneficiaryName: 'é'.repeat(70), text: 'é'.repeat(140), information: 'é'.repeat(70) })).toThrow(/at most 331/);
  });
});
