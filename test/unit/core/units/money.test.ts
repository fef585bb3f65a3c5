import { formatCents, lineAmountCents, roundQuantity, toCents } from '../../../../core/units/money';

describe('money in integer cents, half-up per line', () => {
  it('rounds half a cent up even when the float is just below it', () => {
    // 2.695 is stored as 2.69499999999999984…; half-up to the cent must still give 2.70.
    expect(toCents(2.695)).toBe(270);
    expect(toCents(12.075)).toBe(1208);
    expect(toCents(12.074)).toBe(1207);
  });

  it('multiplies quantity by rate without float drift', () => {
    expect(lineAmountCents(1.5, 9.44)).toBe(1416); // 14.16 exactly, not 14.159999…
    expect(lineAmountCents(22, 0.1225)).toBe(270); // 2.695 → 2.70
    expect(lineAmountCents(7, 9.44)).toBe(6608);
  });

  it('rounds negative halves away from zero and never yields -0', () => {
    expect(toCents(-0.005)).toBe(-1);
    expect(Object.is(toCents(-0.001), 0)).toBe(true);
  });

  it('rounds quantities to 3 decimals', () => {
    expect(roundQuantity(6.6665)).toBe(6.667);
    expect(roundQuantity(20.6666666)).toBe(20.667);
  });

  it('formats cents for descriptions', () => {
    expect(formatCents(12803)).toBe('128.03');
    expect(formatCents(-5)).toBe('-0.05');
  });
});
