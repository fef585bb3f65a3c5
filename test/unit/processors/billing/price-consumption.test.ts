import { priceUsage } from '../../../../processors/billing/price-consumption';
import { parseTariff } from '../../../../core/tariffs/tariff';
import { hourSlot, usageSlots, type UsageProfile } from '../../../../processors/billing/usage-profile';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

const sabesp = parseTariff(sabesp2017);
const flat = (total: number): UsageProfile => ({ total, byHour: new Array<number>(usageSlots).fill(0) });
const summary = (lines: ReturnType<typeof priceUsage>) => lines.map((l) => [l.kind, l.tier, l.quantity, l.amountCents]);
const sum = (lines: ReturnType<typeof priceUsage>) => lines.reduce((a, l) => a + l.amountCents, 0);

describe('pricing inclining block tiers (SABESP residential 2017)', () => {
  it('bills 27 m³ in a 30-day month to the cent', () => {
    const lines = priceUsage({ tariff: sabesp, usage: flat(27), days: 30, billableDays: 30, periodDays: 30 });
    // block 1: first 10 m³, flat R$24,15                = 24.15
    // block 2: m³ 11-20, 10 × 3.78                      = 37.80
    // block 3: m³ 21-27,  7 × 9.44                      = 66.08
    // total                                              128.03
    expect(summary(lines)).toEqual([
      ['tier', 1, 10, 2415],
      ['tier', 2, 10, 3780],
      ['tier', 3, 7, 6608],
    ]);
    expect(sum(lines)).toBe(12803);
    expect(lines[1]).toMatchObject({ rate: 3.78, unit: 'm3', tariffId: 'sabesp-res-2017' });
    expect(lines[0]!.rate).toBeNull();
  });

  it('charges the flat first block as a minimum at zero use, and reaches the top block', () => {
    expect(summary(priceUsage({ tariff: sabesp, usage: flat(0), days: 30, billableDays: 30, periodDays: 30 }))).toEqual([['tier', 1, 0, 2415]]);
    // 55 m³: 24.15 + 10 × 3.78 + 30 × 9.44 + 5 × 10.40 = 24.15 + 37.80 + 283.20 + 52.00 = 397.15
    expect(sum(priceUsage({ tariff: sabesp, usage: flat(55), days: 30, billableDays: 30, periodDays: 30 }))).toBe(39715);
  });

  it('halves the blocks for a 15-day prorated period', () => {
    // Factor 15/30 = 0.5: blocks 0-5 (flat 24.15 × 0.5 = 12.075 → 12.08 half-up), 5-10, 10-25, >25.
    // 12 m³: 12.08 + 5 × 3.78 (18.90) + 2 × 9.44 (18.88) = 49.86
    const lines = priceUsage({ tariff: sabesp, usage: flat(12), days: 15, billableDays: 15, periodDays: 30 });
    expect(summary(lines)).toEqual([
      ['tier', 1, 5, 1208],
      ['tier', 2, 5, 1890],
      ['tier', 3, 2, 1888],
    ]);
    expect(sum(lines)).toBe(4986);
  });

  it('scales block sizes with a 31-day period (blocks are per 30 days)', () => {
    // Factor 31/30: bounds 10.333, 20.667, 51.667 (3 decimals); flat 24.15 × 31/30 = 24.955 → 24.96.
    // block 2: 20.667 − 10.333 = 10.334 × 3.78 = 39.06252 → 39.06
    // block 3: 27 − 20.667 = 6.333 × 9.44 = 59.78352 → 59.78
    // total 24.96 + 39.06 + 59.78 = 123.80
    const lines = priceUsage({ tariff: sabesp, usage: flat(27), days: 31, billableDays: 31, periodDays: 31 });
    expect(summary(lines)).toEqual([
      ['tier', 1, 10.333, 2496],
      ['tier', 2, 10.334, 3906],
      ['tier', 3, 6.333, 5978],
    ]);
    expect(sum(lines)).toBe(12380);
  });

  it('prorates the fixed charge by billable days over period days', () => {
    const tariff = parseTariff({ id: 'fixed', currency: 'USD', unit: 'kWh', fixedCharge: 10, tierReferenceDays: null, blocks: [{ upTo: null, rate: 0.1 }] });
    // Whole 31-day month: 10.00; 10 of 31 days: 10 × 10/31 = 3.2258… → 3.23. 100 kWh × 0.1 × 10/10 share.
    expect(priceUsage({ tariff, usage: flat(100), days: 31, billableDays: 31, periodDays: 31 })[0]).toMatchObject({ kind: 'fixed', amountCents: 1000, quantity: 1 });
    const part = priceUsage({ tariff, usage: flat(100), days: 10, billableDays: 10, periodDays: 31 });
    expect(part[0]).toMatchObject({ kind: 'fixed', amountCents: 323, quantity: 0.3226 });
    expect(part[1]).toMatchObject({ kind: 'tier', quantity: 100, amountCents: 1000 });
  });

  it('prices each TOU period from the hours its schedule assigns to it', () => {
    const hours = (from: number, to: number, p: number) => Array.from({ length: 24 }, (_, h) => (h >= from && h < to ? p : 0));
    const tariff = parseTariff({
      id: 'tou',
      currency: 'USD',
      unit: 'kWh',
      tierReferenceDays: null,
      tou: {
        periods: [
          { name: 'off-peak', blocks: [{ upTo: null, rate: 0.1 }] },
          { name: 'peak', blocks: [{ upTo: null, rate: 0.3 }] },
        ],
        weekdaySchedule: Array.from({ length: 12 }, () => hours(17, 21, 1)),
        weekendSchedule: Array.from({ length: 12 }, () => hours(0, 0, 1)),
      },
    });
    const usage = flat(0);
    usage.byHour[hourSlot(2, false, 18)] = 5; // February weekday 18:00 → peak
    usage.byHour[hourSlot(2, true, 18)] = 7; // February weekend 18:00 → off-peak
    usage.byHour[hourSlot(2, false, 3)] = 1; // weekday night → off-peak
    usage.total = 13;
    // off-peak 8 × 0.10 = 0.80; peak 5 × 0.30 = 1.50
    expect(priceUsage({ tariff, usage, days: 28, billableDays: 28, periodDays: 28 }).map((l) => [l.kind, l.period, l.quantity, l.amountCents])).toEqual([
      ['tou', 'off-peak', 8, 80],
      ['tou', 'peak', 5, 150],
    ]);
  });
});
