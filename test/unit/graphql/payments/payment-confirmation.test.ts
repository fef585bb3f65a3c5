import { parsePaymentConfirmation } from '../../../../graphql/payments/payment-confirmation';

describe('parsePaymentConfirmation', () => {
  const valid = { providerReference: 'E12345678202612011605abcDEF01', reference: 'MF0A1B2C3D4E5F60718293A4B', amount: '133.22', currency: 'BRL', paidAt: '2026-12-01T16:05:00Z' };
  const parse = (body: unknown) => parsePaymentConfirmation(typeof body === 'string' ? body : JSON.stringify(body));
  const refusal = (body: unknown) => {
    const parsed = parse(body);
    return parsed.ok ? null : `${parsed.field}: ${parsed.message}`;
  };

  it('reads a confirmation, the amount in cents, paidAt as epoch ms; extra fields are ignored', () => {
    expect(parse({ ...valid, provider: 'pix-psp', attempt: 2 })).toEqual({
      ok: true,
      value: { providerReference: valid.providerReference, reference: valid.reference, amount: '133.22', amountCents: 13_322, currency: 'BRL', paidAt: Date.UTC(2026, 11, 1, 16, 5) },
    });
    const cases: [string, number][] = [['1', 100], ['0.5', 50], ['0.01', 1], ['999999999999.99', 99_999_999_999_999]];
    for (const [amount, cents] of cases) {
      const parsed = parse({ ...valid, amount });
      expect(parsed.ok && parsed.value.amountCents).toBe(cents);
    }
    const zoned = parse({ ...valid, paidAt: '2026-12-01T13:05:00.123-03:00' });
    expect(zoned.ok && zoned.value.paidAt).toBe(Date.UTC(2026, 11, 1, 16, 5, 0, 123));
  });

  it('refuses a body that is not a JSON object, naming body', () => {
    expect(refusal('{"providerReference":')).toBe('body: is not JSON');
    expect(refusal('')).toBe('body: is not JSON');
    expect(refusal([valid])).toBe('body: must be a JSON object');
    expect(refusal('null')).toBe('body: must be a JSON object');
    expect(refusal('"text"')).toBe('body: must be a JSON object');
  });

  it.each(['providerReference', 'reference', 'amount', 'currency', 'paidAt'])('refuses a missing or null %s, naming it', (field) => {
    const without: Record<string, unknown> = { ...valid };
    delete without[field];
    expect(refusal(without)).toBe(`${field}: is missing`);
    expect(refusal({ ...valid, [field]: null })).toBe(`${field}: is missing`);
  });

  it.each([
    ['providerReference', ''],
    ['providerReference', 'has a space'],
    ['providerReference', 'x'.repeat(101)],
    ['providerReference', 'pagamento-ção'],
    ['reference', 'MF0a1b2c3d4e5f60718293a4b'],
    ['reference', 'MF0A1B2C3D4E5F60718293A4'],
    ['reference', 'XX0A1B2C3D4E5F60718293A4B'],
    ['amount', '0'],
    ['amount', '0.00'],
    ['amount', '-1.00'],
    ['amount', '1.234'],
    ['amount', '1,50'],
    ['amount', '1e3'],
    ['amount', ' 133.22'],
    ['currency', 'brl'],
    ['currency', 'REAL'],
    ['paidAt', '2026-12-01'],
    ['paidAt', '2026-12-01T16:05:00'],
    ['paidAt', '2026-13-01T16:05:00Z'],
    ['paidAt', 'yesterday'],
  ])('refuses %s %j, naming it', (field, value) => {
    expect(refusal({ ...valid, [field]: value })).toMatch(new RegExp(`^${field}: `));
  });

  it('refuses numbers where strings are due (an amount as a float would round)', () => {
    expect(refusal({ ...valid, amount: 133.22 })).toBe('amount: must be a string, got number');
    expect(refusal({ ...valid, paidAt: 1_796_140_800 })).toBe('paidAt: must be a string, got number');
    expect(refusal({ ...valid, currency: ['BRL'] })).toBe('currency: must be a string, got array');
  });

  it('names the first field at fault, in the documented order', () => {
    expect(refusal({ ...valid, reference: 'x', amount: 'y' })).toMatch(/^reference: /);
  });
});
