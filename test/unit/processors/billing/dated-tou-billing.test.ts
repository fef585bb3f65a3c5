import { parseTariff, type TariffInput } from '../../../../core/tariffs/tariff';
import { createBillingEngine, type BillingReading } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { priceUsage } from '../../../../processors/billing/price-consumption';
import { usageSlots } from '../../../../processors/billing/usage-profile';

// The Low Carbon London prices (GBP per kWh): High 67.20p, Low 3.99p, Normal 11.76p; Std 14.228p.
const rate = (r: number) => [{ upTo: null, rate: r }];
const dtou = (calendar: Array<{ from: string; band: string }>, calendarEnd: string): TariffInput => ({
  id: 'lcl-dtou',
  currency: 'GBP',
  unit: 'kWh',
  datedTou: { bands: [{ name: 'High', blocks: rate(0.672) }, { name: 'Low', blocks: rate(0.0399) }, { name: 'Normal', blocks: rate(0.1176) }], defaultBand: 'Normal', calendar, calendarEnd },
});
const std: TariffInput = { id: 'lcl-std', currency: 'GBP', unit: 'kWh', blocks: rate(0.14228) };
const LONDON = 'Europe/London';
const t = (iso: string) => Date.parse(iso);
const kwh = (iso: string, register: number): BillingReading => ({ meterId: 'e-1', ts: t(iso), register, registerUnit: 'kWh', receivedAt: t(iso) + 1000 });
const bandLines = (inv: Invoice) => inv.lines.map((l) => [l.kind, l.period, l.quantity, l.amountCents]);

describe('billing a dated time-of-use tariff (engine, Europe/London)', () => {
  it('splits a segment across a band change and a month end, each month priced by band', () => {
    // High 31 Jan 23:00 → 1 Feb 01:00 (GMT = UTC in winter), Low 10 Feb 01:00 → 05:00, Normal otherwise.
    const tariff = dtou(
      [
        { from: '2013-01-31T23:00:00Z', band: 'High' },
        { from: '2013-02-01T01:00:00Z', band: 'Normal' },
        { from: '2013-02-10T01:00:00Z', band: 'Low' },
        { from: '2013-02-10T05:00:00Z', band: 'Normal' },
      ],
      '2013-03-01T00:00:00Z',
    );
    const engine = createBillingEngine({ tariffs: [tariff], assignment: { default: 'lcl-dtou' } });
    const state = engine.createMeterState({ meterId: 'e-1', zone: LONDON, registerUnit: 'kWh' });
    for (const r of [
      kwh('2013-01-01T00:00:00Z', 1000),
      kwh('2013-01-31T22:00:00Z', 1100), // 100 kWh, all Normal
      kwh('2013-02-01T02:00:00Z', 1104), // 4 kWh over 4 h: 22-23 Normal, 23-24 High | 00-01 High, 01-02 Normal
      kwh('2013-02-10T01:00:00Z', 1150), // 46 Normal
      kwh('2013-02-10T05:00:00Z', 1162.5), // 12.5 Low
      kwh('2013-03-01T00:00:00Z', 1200), // 37.5 Normal
    ]) engine.applyReading(state, r);
    const [january, february, ...rest] = engine.advanceWatermark(state, t('2013-03-04T00:00:00Z'));
    expect(rest).toEqual([]);
    // January: High 1 × 0.672 = 0.672 → 67p; Normal 100 + 1 = 101 × 0.1176 = 11.8776 → 1188p; total 1255p.
    expect(january).toMatchObject({ periodLabel: '2013-01-01', consumption: 102, currency: 'GBP', totalCents: 1255 });
    expect(bandLines(january!)).toEqual([
      ['tou', 'High', 1, 67],
      ['tou', 'Normal', 101, 1188],
    ]);
    // February: High 1 → 67p; Low 12.5 × 0.0399 = 0.49875 → 49.875p, half-up 50p;
    // Normal 1 + 46 + 37.5 = 84.5 × 0.1176 = 9.9372 → 994p; total 67 + 50 + 994 = 1111p.
    expect(february).toMatchObject({ periodLabel: '2013-02-01', consumption: 98, totalCents: 1111 });
    expect(bandLines(february!)).toEqual([
      ['tou', 'High', 1, 67],
      ['tou', 'Low', 12.5, 50],
      ['tou', 'Normal', 84.5, 994],
    ]);
    expect(february!.lines[1]).toMatchObject({ tariffId: 'lcl-dtou', tier: 1, rate: 0.0399, unit: 'kWh' });
  });

  it('bills the spring-forward month by instants: March 2013 is 743 hours and its High evening 2 real hours', () => {
    // High from local midnight 31 March (00:00 GMT) to local 03:00 BST (02:00Z): 2 hours.
    // Low from local 23:00 BST on 31 March (22:00Z) to 02:00 BST on 1 April (01:00Z): it crosses
    // the period end, local midnight 1 April = 31 March 23:00Z.
    const tariff = dtou(
      [
        { from: '2013-03-31T00:00:00+00:00', band: 'High' },
        { from: '2013-03-31T03:00:00+01:00', band: 'Normal' },
        { from: '2013-03-31T23:00:00+01:00', band: 'Low' },
        { from: '2013-04-01T02:00:00+01:00', band: 'Normal' },
      ],
      '2013-04-02T00:00:00+01:00',
    );
    const engine = createBillingEngine({ tariffs: [tariff, std], assignment: { default: 'lcl-dtou', meters: { 'e-2': 'lcl-std' } } });
    const readings = [
      kwh('2013-03-01T00:00:00Z', 0),
      kwh('2013-03-31T00:00:00Z', 300), // 300 Normal
      kwh('2013-03-31T05:00:00Z', 310), // 10 kWh over 5 real hours = 2/h: High 2 h → 4, Normal 3 h → 6
      kwh('2013-03-31T22:00:00Z', 327), // 17 Normal
      kwh('2013-04-01T00:00:00Z', 331), // 4 Low over 2 h: 2 in March (22:00-23:00Z), 2 in April
    ];
    const state = engine.createMeterState({ meterId: 'e-1', zone: LONDON, registerUnit: 'kWh' });
    for (const r of readings) engine.applyReading(state, r);
    expect(engine.advanceWatermark(state, t('2013-04-03T22:59:59Z'))).toEqual([]);
    const [march] = engine.advanceWatermark(state, t('2013-04-03T23:00:00Z'));
    // High 4 × 0.672 = 2.688 → 269p; Low 2 × 0.0399 = 0.0798 → 8p; Normal 300 + 6 + 17 = 323 × 0.1176 = 37.9848 → 3798p.
    // Total 269 + 8 + 3798 = 4075p for 329 kWh.
    expect(march).toMatchObject({ periodStart: t('2013-03-01T00:00:00Z'), periodEnd: t('2013-03-31T23:00:00Z'), periodDays: 31, consumption: 329, totalCents: 4075 });
    expect(bandLines(march!)).toEqual([
      ['tou', 'High', 4, 269],
      ['tou', 'Low', 2, 8],
      ['tou', 'Normal', 323, 3798],
    ]);

    // The same readings on the flat Std tariff: 329 × 0.14228 = 46.81012 → 4681p.
    const flat = engine.createMeterState({ meterId: 'e-2', zone: LONDON, registerUnit: 'kWh' });
    for (const r of readings) engine.applyReading(flat, { ...r, meterId: 'e-2' });
    const [flatMarch] = engine.advanceWatermark(flat, t('2013-04-03T23:00:00Z'));
    expect(flatMarch!.lines.map((l) => [l.kind, l.tariffId, l.quantity, l.amountCents])).toEqual([['tier', 'lcl-std', 329, 4681]]);
  });

  it('prices a month outside the calendar wholly in the default band', () => {
    const tariff = dtou([{ from: '2013-01-07T17:00:00Z', band: 'High' }], '2013-01-07T20:00:00Z');
    const engine = createBillingEngine({ tariffs: [tariff], assignment: { default: 'lcl-dtou' } });
    const state = engine.createMeterState({ meterId: 'e-1', zone: LONDON, registerUnit: 'kWh' });
    for (const r of [kwh('2012-12-01T00:00:00Z', 50), kwh('2012-12-15T12:00:00Z', 150), kwh('2013-01-01T00:00:00Z', 250)]) engine.applyReading(state, r);
    const [december] = engine.advanceWatermark(state, t('2013-01-04T00:00:00Z'));
    // 200 kWh × 0.1176 = 23.52 → 2352p, one Normal line.
    expect(bandLines(december!)).toEqual([['tou', 'Normal', 200, 2352]]);
  });

  it('keeps each band exact after settled history is compacted to 15-minute slots (changes on quarter hours)', () => {
    // High 17:15-17:30 only. Readings every 5 min, 17:00-18:00: nothing until 17:10, 0.6 kWh in
    // 17:10-17:15 (Normal), 0.3 kWh in 17:15-17:20 (High), nothing after.
    const tariff = dtou(
      [
        { from: '2013-01-07T17:15:00Z', band: 'High' },
        { from: '2013-01-07T17:30:00Z', band: 'Normal' },
      ],
      '2013-01-08T00:00:00Z',
    );
    const engine = createBillingEngine({ tariffs: [tariff], assignment: { default: 'lcl-dtou' } });
    const state = engine.createMeterState({ meterId: 'e-1', zone: LONDON, registerUnit: 'kWh' });
    const register = [100, 100, 100, 100.6, 100.9, 100.9, 100.9, 100.9, 100.9, 100.9, 100.9, 100.9, 100.9];
    engine.applyReading(state, kwh('2013-01-01T00:00:00Z', 100));
    register.forEach((r, k) => engine.applyReading(state, { ...kwh('2013-01-07T17:00:00Z', r), ts: t('2013-01-07T17:00:00Z') + k * 300_000 }));
    engine.applyReading(state, kwh('2013-02-01T00:00:00Z', 100.9));
    const before = state.register.points.length;
    engine.advanceWatermark(state, t('2013-01-08T00:00:00Z'));
    // Compacted: within each slot only the first and last point stay (17:00 and 17:10; 17:15 and 17:25; …).
    expect(state.register.points.length).toBeLessThan(before);
    const [january] = engine.advanceWatermark(state, t('2013-02-04T00:00:00Z'));
    // The 17:15-17:25 step (0.3) now spreads over 17:15-17:25, still all High; 17:10-17:15 is Normal.
    // High 0.3 × 0.672 = 0.2016 → 20p; Normal 0.6 × 0.1176 = 0.07056 → 7p.
    expect(bandLines(january!)).toEqual([
      ['tou', 'High', 0.3, 20],
      ['tou', 'Normal', 0.6, 7],
    ]);
  });

  it('converts the register unit before pricing bands (a Wh register)', () => {
    const tariff = dtou([{ from: '2013-01-07T17:00:00Z', band: 'High' }], '2013-01-07T20:00:00Z');
    const engine = createBillingEngine({ tariffs: [tariff], assignment: { default: 'lcl-dtou' } });
    const state = engine.createMeterState({ meterId: 'e-1', zone: LONDON, registerUnit: 'Wh' });
    // 1,500 Wh in the High 17:00-20:00 window (readings at 17:00 and 20:00) = 1.5 kWh × 0.672 = 1.008 → 101p.
    for (const [iso, wh] of [['2013-01-01T00:00:00Z', 0], ['2013-01-07T17:00:00Z', 0], ['2013-01-07T20:00:00Z', 1500], ['2013-02-01T00:00:00Z', 1500]] as const) {
      engine.applyReading(state, { meterId: 'e-1', ts: t(iso), register: wh, registerUnit: 'Wh', receivedAt: t(iso) });
    }
    const [january] = engine.advanceWatermark(state, t('2013-02-04T00:00:00Z'));
    expect(bandLines(january!)).toEqual([['tou', 'High', 1.5, 101]]);
  });
});

describe('pricing dated TOU band usage (priceUsage)', () => {
  const tariff = parseTariff(dtou([{ from: '2013-01-07T17:00:00Z', band: 'High' }], '2013-01-07T20:00:00Z'));
  const noHours = { total: 0, byHour: new Array<number>(usageSlots).fill(0) };

  it('rounds each band line on its own', () => {
    // High 0.5 × 0.672 = 0.336 → 34p; Normal 0.5 × 0.1176 = 0.0588 → 6p: 40p, where rounding the
    // unrounded sum (0.3948) once would give 39p.
    const lines = priceUsage({ tariff, usage: { ...noHours, total: 1 }, bandUsage: [0.5, 0, 0.5], days: 31, billableDays: 31, periodDays: 31 });
    expect(lines.map((l) => [l.period, l.quantity, l.amountCents])).toEqual([
      ['High', 0.5, 34],
      ['Normal', 0.5, 6],
    ]);
  });

  it('splits each band by days when the tariff holds for part of the period', () => {
    // 15 of 30 days: half of each band. High 2 → 1 × 0.672 = 67p; Normal 10 → 5 × 0.1176 = 0.588 → 59p.
    const lines = priceUsage({ tariff, usage: { ...noHours, total: 12 }, bandUsage: [2, 0, 10], days: 15, billableDays: 30, periodDays: 30 });
    expect(lines.map((l) => [l.period, l.quantity, l.amountCents])).toEqual([
      ['High', 1, 67],
      ['Normal', 5, 59],
    ]);
  });

  it('prices a band with inclining blocks like a TOU period', () => {
    // Normal: the first 10 kWh (per 30 days) at 0.10, the rest at 0.20. 15 kWh in 30 days: 10 × 0.10 = 1.00, 5 × 0.20 = 1.00.
    const blocked = parseTariff({
      id: 'blocked',
      currency: 'GBP',
      unit: 'kWh',
      datedTou: {
        bands: [{ name: 'High', blocks: rate(0.672) }, { name: 'Normal', blocks: [{ upTo: 10, rate: 0.1 }, { upTo: null, rate: 0.2 }] }],
        defaultBand: 'Normal',
        calendar: [{ from: '2013-01-07T17:00:00Z', band: 'High' }],
        calendarEnd: '2013-01-07T20:00:00Z',
      },
    });
    const lines = priceUsage({ tariff: blocked, usage: { ...noHours, total: 15 }, bandUsage: [0, 15], days: 30, billableDays: 30, periodDays: 30 });
    expect(lines.map((l) => [l.period, l.tier, l.quantity, l.amountCents])).toEqual([
      ['Normal', 1, 10, 100],
      ['Normal', 2, 5, 100],
    ]);
  });

  it('refuses to price a dated TOU tariff without band usage (a caller error, never a silent zero)', () => {
    expect(() => priceUsage({ tariff, usage: { ...noHours, total: 1 }, days: 31, billableDays: 31, periodDays: 31 })).toThrow(/needs bandUsage for its 3 bands/);
  });
});
