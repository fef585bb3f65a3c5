import { hourSlot, usageBetween } from '../../../../processors/billing/usage-profile';

const h = 3_600_000;

describe('attributing consumption to time', () => {
  it('spreads a segment evenly and clips it to the window', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z'); // a Thursday
    // 10 units over 10 h = 1/h; the window [4 h, 8 h) gets 4.
    const u = usageBetween([{ from: t0, to: t0 + 10 * h, quantity: 10, kind: 'increase' }], t0 + 4 * h, t0 + 8 * h, 'UTC');
    expect(u.total).toBeCloseTo(4, 9);
    for (let hour = 0; hour < 24; hour++) expect(u.byHour[hourSlot(1, false, hour)]).toBeCloseTo(hour >= 4 && hour < 8 ? 1 : 0, 9);
  });

  it('skips the hourly split when no TOU tariff needs it', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const u = usageBetween([{ from: t0, to: t0 + 10 * h, quantity: 10, kind: 'increase' }], t0 + 4 * h, t0 + 8 * h, 'UTC', { hourly: false });
    expect(u.total).toBeCloseTo(4, 9);
    expect(u.byHour.every((q) => q === 0)).toBe(true);
  });

  it('uses local wall-clock hours across spring-forward (New York 2026-03-08, a Sunday)', () => {
    // 00:00 EST (05:00Z) → 07:00 EDT (11:00Z) is 6 real hours; 6 kWh = 1 per hour in local hours
    // 0, 1, 3, 4, 5, 6. Hour 2 does not exist that day.
    const u = usageBetween([{ from: Date.parse('2026-03-08T05:00:00Z'), to: Date.parse('2026-03-08T11:00:00Z'), quantity: 6, kind: 'increase' }], 0, Infinity, 'America/New_York');
    const expected = [1, 1, 0, 1, 1, 1, 1];
    expected.forEach((q, hour) => expect(u.byHour[hourSlot(3, true, hour)]).toBeCloseTo(q, 9));
    expect(u.total).toBeCloseTo(6, 9);
  });

  it('counts the repeated hour twice across fall-back (New York 2026-11-01, a Sunday)', () => {
    // 00:00 EDT (04:00Z) → 03:00 EST (08:00Z) is 4 real hours: local 00, 01 (EDT), 01 (EST), 02.
    const u = usageBetween([{ from: Date.parse('2026-11-01T04:00:00Z'), to: Date.parse('2026-11-01T08:00:00Z'), quantity: 4, kind: 'increase' }], 0, Infinity, 'America/New_York');
    expect(u.byHour[hourSlot(11, true, 0)]).toBeCloseTo(1, 9);
    expect(u.byHour[hourSlot(11, true, 1)]).toBeCloseTo(2, 9);
    expect(u.byHour[hourSlot(11, true, 2)]).toBeCloseTo(1, 9);
  });

  it('splits by half-hour offsets too (India, UTC+5:30)', () => {
    // 2026-01-05T00:00Z = 05:30 IST (a Monday); 1 h of use = 30 min in local hour 5 and 30 min in hour 6.
    const from = Date.parse('2026-01-05T00:00:00Z');
    const u = usageBetween([{ from, to: from + h, quantity: 2, kind: 'increase' }], 0, Infinity, 'Asia/Kolkata');
    expect(u.byHour[hourSlot(1, false, 5)]).toBeCloseTo(1, 9);
    expect(u.byHour[hourSlot(1, false, 6)]).toBeCloseTo(1, 9);
  });

  it('puts an instantaneous step at its instant, inside [from, to)', () => {
    const t = Date.parse('2026-01-01T10:15:00Z');
    const seg = [{ from: t, to: t, quantity: 3, kind: 'replacement' as const }];
    expect(usageBetween(seg, t, t + h, 'UTC').byHour[hourSlot(1, false, 10)]).toBe(3);
    expect(usageBetween(seg, t - h, t, 'UTC').total).toBe(0);
  });
});
