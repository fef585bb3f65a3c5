import { billingPeriodAt, nextBillingPeriod, previousBillingPeriod } from '../../../../processors/billing/billing-period';

const iso = (ts: number) => new Date(ts).toISOString();
const hours = (ms: number) => ms / 3_600_000;

describe('billing periods in local time', () => {
  it('is the local calendar month by default', () => {
    // São Paulo is UTC-3 in June 2017 (no DST then): local midnight = 03:00Z.
    const p = billingPeriodAt(Date.parse('2017-06-10T15:00:00Z'), { zone: 'America/Sao_Paulo', cycleDay: 1 });
    expect(iso(p.start)).toBe('2017-06-01T03:00:00.000Z');
    expect(iso(p.end)).toBe('2017-07-01T03:00:00.000Z');
    expect(p).toMatchObject({ label: '2017-06-01', days: 30 });
  });

  it('follows the local calendar, not UTC, at the edges', () => {
    // 2017-07-01T02:59Z is still 30 June 23:59 in São Paulo.
    expect(billingPeriodAt(Date.parse('2017-07-01T02:59:00Z'), { zone: 'America/Sao_Paulo', cycleDay: 1 }).label).toBe('2017-06-01');
    expect(billingPeriodAt(Date.parse('2017-07-01T03:00:00Z'), { zone: 'America/Sao_Paulo', cycleDay: 1 }).label).toBe('2017-07-01');
  });

  it('has 31 days but 743 hours over the New York spring-forward month', () => {
    const p = billingPeriodAt(Date.parse('2026-03-20T12:00:00Z'), { zone: 'America/New_York', cycleDay: 1 });
    expect(iso(p.start)).toBe('2026-03-01T05:00:00.000Z'); // EST, UTC-5
    expect(iso(p.end)).toBe('2026-04-01T04:00:00.000Z'); // EDT, UTC-4
    expect(p.days).toBe(31);
    expect(hours(p.end - p.start)).toBe(31 * 24 - 1);
  });

  it('starts on a customer cycle day', () => {
    const cycle = { zone: 'America/Sao_Paulo', cycleDay: 15 };
    // 10 June belongs to the cycle that started on 15 May: 15 May → 15 June = 31 days.
    const p = billingPeriodAt(Date.parse('2017-06-10T15:00:00Z'), cycle);
    expect(p).toMatchObject({ label: '2017-05-15', days: 31 });
    expect(iso(p.end)).toBe('2017-06-15T03:00:00.000Z');
    // Local midnight of the cycle day itself opens the next one (15 June → 15 July = 30 days).
    expect(billingPeriodAt(p.end, cycle)).toMatchObject({ label: '2017-06-15', days: 30 });
  });

  it('starts at the first existing instant when local midnight is skipped (Brazil DST 2017-10-15 00:00 → 01:00)', () => {
    const p = billingPeriodAt(Date.parse('2017-10-20T12:00:00Z'), { zone: 'America/Sao_Paulo', cycleDay: 15 });
    // 00:00 does not exist; 01:00 -02 = 03:00Z. 15 Oct → 15 Nov = 31 days, 31×24 − 1 hours.
    expect(iso(p.start)).toBe('2017-10-15T03:00:00.000Z');
    expect(iso(p.end)).toBe('2017-11-15T02:00:00.000Z');
    expect(p).toMatchObject({ label: '2017-10-15', days: 31 });
    expect(hours(p.end - p.start)).toBe(31 * 24 - 1);
  });

  it('steps to the next and previous periods across a year end', () => {
    const cycle = { zone: 'America/Sao_Paulo', cycleDay: 1 };
    const dec = billingPeriodAt(Date.parse('2026-12-15T12:00:00Z'), cycle);
    const jan = nextBillingPeriod(dec, cycle);
    expect(jan).toMatchObject({ label: '2027-01-01', days: 31, start: dec.end });
    expect(previousBillingPeriod(jan, cycle)).toEqual(dec);
    expect(previousBillingPeriod(dec, cycle)).toMatchObject({ label: '2026-11-01', days: 30, end: dec.start });
  });
});
