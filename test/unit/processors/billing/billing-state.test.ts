import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMeterflowError } from '../../../../core/errors';
import { createBillingEngine, type BillingReading, type MeterBillingState } from '../../../../processors/billing/billing-state';
import type { BillingOptionsInput } from '../../../../core/tariffs/billing-options';
import type { Invoice } from '../../../../processors/billing/invoice';
import { importUrdbTariff } from '../../../../core/tariffs/urdb-import';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017, sabesp2018 } from '../../../fixtures/billing/sabesp-tariffs';

const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const NY = 'America/New_York';
/** Local time in São Paulo (UTC-3 all of June/July 2017). */
const sp = (m: number, d: number, h = 0) => fromLocal(SP, 2017, m, d, h);

const water = (overrides: Partial<BillingOptionsInput> = {}) =>
  createBillingEngine({
    tariffs: [sabesp2017, sabesp2018],
    assignment: { default: 'sabesp-res-2017', sectors: { 'zona-sul': [{ from: '2017-06-16', tariffId: 'sabesp-res-2018' }] } },
    graceMs: 3 * day,
    dueDays: 10,
    maxGapMs: 40 * day,
    ...overrides,
  });

const reading = (ts: number, litres: number, extra: Partial<BillingReading> = {}): BillingReading => ({ meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts + 1000, ...extra });
const lines = (inv: Invoice) => inv.lines.map((l) => [l.kind, l.tier, l.quantity, l.amountCents]);

function feed(engine: ReturnType<typeof water>, state: MeterBillingState, readings: Array<[number, number]>) {
  for (const [ts, litres] of readings) engine.applyReading(state, reading(ts, litres));
}

describe('billing state: SABESP water, São Paulo, June 2017', () => {
  it('emits one final bill at close + grace: 27 m³ = R$128,03', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 16), 115_000], [sp(7, 1), 127_000]]);
    // June ends 1 July 00:00; grace 3 days → final at 4 July 00:00, not before.
    expect(engine.advanceWatermark(state, sp(7, 3, 23))).toEqual([]);
    const [final, ...rest] = engine.advanceWatermark(state, sp(7, 4));
    expect(rest).toEqual([]);
    // 127,000 − 100,000 L = 27 m³: 24.15 + 10 × 3.78 + 7 × 9.44 = 24.15 + 37.80 + 66.08 = 128.03
    expect(final).toMatchObject({
      invoiceId: 'w-1/2017-06-01',
      status: 'final',
      revision: 0,
      adjusts: null,
      periodLabel: '2017-06-01',
      periodDays: 30,
      billableDays: 30,
      consumption: 27_000,
      consumptionUnit: 'L',
      currency: 'BRL',
      totalCents: 12803,
      issuedAt: sp(7, 4),
      dueDate: '2017-07-11', // close date 1 July + 10 days
    });
    expect(lines(final!)).toEqual([
      ['tier', 1, 10, 2415],
      ['tier', 2, 10, 3780],
      ['tier', 3, 7, 6608],
    ]);
    // Nothing is emitted twice.
    expect(engine.advanceWatermark(state, sp(7, 5))).toEqual([]);
  });

  it('keeps a provisional bill of the open period up to date without changing the state', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    expect(engine.provisionalBill(state, sp(6, 1))).toBeNull();
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 16), 115_000]]);
    const before = structuredClone(state);
    // 15 m³ so far: 24.15 + 5 × 3.78 = 24.15 + 18.90 = 43.05
    expect(engine.provisionalBill(state, sp(6, 20))).toMatchObject({ status: 'provisional', invoiceId: 'w-1/2017-06-01', consumption: 15_000, totalCents: 4305, issuedAt: sp(6, 20) });
    engine.applyReading(state, reading(sp(6, 25), 120_000));
    // 20 m³: 24.15 + 37.80 = 61.95
    expect(engine.provisionalBill(state, sp(6, 26))!.totalCents).toBe(6195);
    expect(before.register.points).toHaveLength(2);
  });

  it('projects the provisional bill to the period end once 7 days are read: consumption scaled, priced with the tiers', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 6), 105_000]]);
    // 5 of June's 30 days read: too little to project from.
    expect(engine.provisionalBill(state, sp(6, 6))!.projection).toBeNull();
    engine.applyReading(state, reading(sp(6, 11), 110_000));
    const bill = engine.provisionalBill(state, sp(6, 11))!;
    // So far 10 m³ = the tier-1 minimum, R$24.15. 10 of 30 days read → × 3 = 30 m³:
    // 24.15 + 10 × 3.78 + 10 × 9.44 = 24.15 + 37.80 + 94.40 = R$156.35.
    expect(bill.totalCents).toBe(2415);
    expect(bill.projection).toEqual({ totalCents: 15635, consumption: 30_000, coverage: 0.3333 });
    // A final bill has none.
    feed(engine, state, [[sp(7, 1), 130_000]]);
    expect(engine.advanceWatermark(state, sp(7, 4))[0]).toMatchObject({ status: 'final', totalCents: 15635, projection: null });
  });

  it('projects only over the stretch the readings cover: a meter first read on 16 June', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    // Service from 1 June (the period is June's), readings from the 16th: 15 of 30 days known.
    engine.updateProfile(state, { zone: SP, cycleDay: 1, registerModulus: null, registerMultiplier: 1, maxFlowPerHour: undefined, serviceStart: sp(6, 1), serviceEnd: null });
    feed(engine, state, [[sp(6, 16), 200_000], [sp(6, 26), 208_000]]);
    const bill = engine.provisionalBill(state, sp(6, 26))!;
    // 8 m³ over 10 days of 30 → 24 m³: 24.15 + 10 × 3.78 + 4 × 9.44 = 24.15 + 37.80 + 37.76 = R$99.71.
    expect(bill.projection).toEqual({ totalCents: 9971, consumption: 24_000, coverage: 0.3333 });
  });

  it('gives the same final bill for shuffled, duplicated readings as for sorted ones', () => {
    const points: Array<[number, number]> = [[sp(6, 1), 100_000], [sp(6, 5), 103_000], [sp(6, 9, 12), 108_500], [sp(6, 16), 115_000], [sp(6, 28), 125_000], [sp(7, 1), 127_000]];
    const engine = water();
    const sorted = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, sorted, points);
    const shuffled = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    const outcomes = [5, 2, 0, 2, 4, 1, 3, 5, 0].map((i) => engine.applyReading(shuffled, reading(...points[i]!)));
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(3);
    const a = engine.advanceWatermark(sorted, sp(7, 4));
    const b = engine.advanceWatermark(shuffled, sp(7, 4));
    expect(b).toEqual(a);
    expect(a[0]!.totalCents).toBe(12803); // still 27 m³
  });

  it('bills across a register wrap at 1,000,000 L', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L', registerModulus: 1_000_000 });
    feed(engine, state, [[sp(6, 1), 995_000], [sp(6, 15), 3_000], [sp(7, 1), 10_000]]);
    const [june] = engine.advanceWatermark(state, sp(7, 4));
    // (1,000,000 − 995,000 + 3,000) + (10,000 − 3,000) = 8,000 + 7,000 = 15,000 L = 15 m³
    // 24.15 + 5 × 3.78 = 43.05
    expect(june).toMatchObject({ consumption: 15_000, totalCents: 4305 });
    expect(june!.decreases).toEqual([{ ts: sp(6, 15), from: 995_000, to: 3_000, kind: 'wrap', quantity: 8_000 }]);
  });

  it('bills a declared meter replacement as old tail + new head', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 500_000], [sp(6, 10), 503_000], [sp(6, 11), 2_000], [sp(7, 1), 14_000]]);
    expect(engine.declareReplacement(state, { meterId: 'w-1', ts: sp(6, 10, 12), oldFinalRegister: 504_000, newInitialRegister: 0 })).toBe('added');
    const [june] = engine.advanceWatermark(state, sp(7, 4));
    // 3,000 + (504,000 − 503,000) + (2,000 − 0) + (14,000 − 2,000) = 18,000 L = 18 m³
    // 24.15 + 8 × 3.78 (30.24) = 54.39
    expect(june).toMatchObject({ consumption: 18_000, totalCents: 5439 });
    expect(june!.decreases.map((d) => d.kind)).toEqual(['replacement']);
  });

  it('flags an unexplained decrease and excludes it', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 10), 110_000], [sp(6, 11), 109_000], [sp(7, 1), 122_000]]);
    const [june] = engine.advanceWatermark(state, sp(7, 4));
    // 10,000 + (109,000: excluded, baseline stays 110,000) + 12,000 = 22 m³ (never 23, never negative)
    // 24.15 + 37.80 + 2 × 9.44 (18.88) = 80.83
    expect(june).toMatchObject({ consumption: 22_000, totalCents: 8083 });
    expect(june!.decreases).toEqual([{ ts: sp(6, 11), from: 110_000, to: 109_000, kind: 'unexplained', quantity: 0 }]);
  });

  it('prorates a 15-day move-in period', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L', serviceStart: sp(6, 16) });
    feed(engine, state, [[sp(6, 16), 100_000], [sp(7, 1), 112_000]]);
    const [june] = engine.advanceWatermark(state, sp(7, 4));
    // 15 of 30 days, blocks halved: 12.075 → 12.08 + 5 × 3.78 (18.90) + 2 × 9.44 (18.88) = 49.86
    expect(june).toMatchObject({ billableDays: 15, periodDays: 30, consumption: 12_000, totalCents: 4986 });
    expect(lines(june!)).toEqual([
      ['tier', 1, 5, 1208],
      ['tier', 2, 5, 1890],
      ['tier', 3, 2, 1888],
    ]);
  });

  it('splits a tariff change mid-period by days (sector schedule)', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    // The sector is learned from the readings.
    engine.applyReading(state, reading(sp(6, 1), 100_000, { sector: 'zona-sul' }));
    engine.applyReading(state, reading(sp(7, 1), 130_000, { sector: 'zona-sul' }));
    const [june] = engine.advanceWatermark(state, sp(7, 4));
    // 30 m³ over 30 days; 2017 tariff 1-15 June, 2018 tariff from 16 June: 15 m³ each, blocks halved.
    // 2017: 12.08 + 5 × 3.78 (18.90) + 5 × 9.44 (47.20) = 78.18
    // 2018: 25 × 0.5 (12.50) + 5 × 4 (20.00) + 5 × 10 (50.00) = 82.50
    expect(june!.lines.map((l) => [l.tariffId, l.tier, l.quantity, l.amountCents])).toEqual([
      ['sabesp-res-2017', 1, 5, 1208],
      ['sabesp-res-2017', 2, 5, 1890],
      ['sabesp-res-2017', 3, 5, 4720],
      ['sabesp-res-2018', 1, 5, 1250],
      ['sabesp-res-2018', 2, 5, 2000],
      ['sabesp-res-2018', 3, 5, 5000],
    ]);
    expect(june!.totalCents).toBe(7818 + 8250);
    expect(june!.sector).toBe('zona-sul');
  });

  it('answers a late reading after the final bill with an adjustment, never a change', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 21), 120_000], [sp(7, 6), 135_000]]);
    const [final] = engine.advanceWatermark(state, sp(7, 7));
    // 21 June → 6 July: 15,000 L over 15 days, 10 of them in June → 10,000 L. June = 20 + 10 = 30 m³
    // 24.15 + 37.80 + 10 × 9.44 (94.40) = 156.35
    expect(final).toMatchObject({ status: 'final', consumption: 30_000, totalCents: 15635 });
    const emitted = structuredClone(final);

    // A reading from 26 June arrives after the close: 128,000 L.
    expect(engine.applyReading(state, reading(sp(6, 26), 128_000, { receivedAt: sp(7, 8) }))).toBe('added');
    const [adjustment, ...rest] = engine.advanceWatermark(state, sp(7, 8));
    expect(rest).toEqual([]);
    // Now June = 20 (to 21 June) + 8 (21 → 26 June) + 7 × 5/10 (26 June → 6 July, 7,000 L over 10 days) = 31.5 m³
    // block 3: 11.5 × 9.44 = 108.56 instead of 94.40 → +1.5 m³, +14.16
    expect(adjustment).toMatchObject({
      invoiceId: 'w-1/2017-06-01/adj-1',
      adjusts: 'w-1/2017-06-01',
      status: 'adjusted',
      revision: 1,
      consumption: 1_500,
      totalCents: 1416,
      issuedAt: sp(7, 8),
      dueDate: '2017-07-18',
    });
    expect(adjustment!.lines).toEqual([
      expect.objectContaining({ kind: 'adjustment', adjusts: 'tier', tariffId: 'sabesp-res-2017', tier: 3, quantity: 1.5, rate: 9.44, amountCents: 1416 }),
    ]);
    // The final invoice as emitted is untouched, and is not emitted again.
    expect(final).toEqual(emitted);
    // The same late reading again changes nothing and adjusts nothing.
    expect(engine.applyReading(state, reading(sp(6, 26), 128_000, { receivedAt: sp(7, 8) }))).toBe('duplicate');
    expect(engine.advanceWatermark(state, sp(7, 9))).toEqual([]);
    // July keeps the other half of the 26 June → 6 July segment: 3,500 L. July has 31 days, so its
    // flat first block is 24.15 × 31/30 = 24.955 → 24.96.
    expect(engine.provisionalBill(state, sp(7, 9))).toMatchObject({ periodLabel: '2017-07-01', consumption: 3_500, totalCents: 2496 });
  });

  it('adjusts again, and credits, when a replacement is declared late', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 500_000], [sp(6, 10), 503_000], [sp(6, 11), 2_000], [sp(7, 1), 14_000]]);
    // Undeclared: the swap looks like an unexplained decrease, only 3 m³ billed: minimum 24.15.
    const [final] = engine.advanceWatermark(state, sp(7, 4));
    expect(final).toMatchObject({ consumption: 3_000, totalCents: 2415 });
    engine.declareReplacement(state, { meterId: 'w-1', ts: sp(6, 10, 12), oldFinalRegister: 504_000 });
    const [adj] = engine.advanceWatermark(state, sp(7, 5));
    // 18 m³ (see the replacement test): block 1 was already billed; block 2: +8 m³ × 3.78 = +30.24
    expect(adj).toMatchObject({ status: 'adjusted', consumption: 15_000, totalCents: 3024 });
    expect(adj!.lines.map((l) => [l.kind, l.adjusts, l.tier, l.quantity, l.amountCents])).toEqual([
      ['adjustment', 'tier', 1, 7, 0],
      ['adjustment', 'tier', 2, 8, 3024],
    ]);
    // The replacement is withdrawn (declared with the old value unknown): a credit.
    engine.declareReplacement(state, { meterId: 'w-1', ts: sp(6, 10, 12), oldFinalRegister: null });
    const [credit] = engine.advanceWatermark(state, sp(7, 6));
    // 3,000 + 0 + 2,000 + 12,000 = 17 m³: block 2 7 × 3.78 = 26.46, i.e. −1 m³, −3.78
    expect(credit).toMatchObject({ invoiceId: 'w-1/2017-06-01/adj-2', revision: 2, consumption: -1_000, totalCents: -378 });
  });

  it('refuses readings older than the retained periods and reports outcomes', () => {
    const engine = water({ retainClosedPeriods: 1 });
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(5, 1), 90_000], [sp(6, 1), 100_000], [sp(7, 1), 127_000]]);
    expect(engine.advanceWatermark(state, sp(7, 4)).map((i) => i.periodLabel)).toEqual(['2017-05-01', '2017-06-01']);
    expect(state.closed.map((c) => c.label)).toEqual(['2017-06-01']);
    expect(engine.applyReading(state, reading(sp(5, 20), 95_000))).toBe('too-late');
    expect(engine.applyReading(state, reading(sp(7, 2), 127_500, { meterId: 'w-2' }))).toBe('other-meter');
    expect(engine.applyReading(state, reading(sp(7, 2), 127_500, { registerUnit: 'kWh' }))).toBe('unit-mismatch');
    expect(engine.applyReading(state, reading(sp(7, 2), 0, { register: null }))).toBe('no-register');
    // A register in m³ is converted to the state's litres.
    expect(engine.applyReading(state, reading(sp(7, 2), 127.5, { registerUnit: 'm3' }))).toBe('added');
    expect(state.register.points.at(-1)!.value).toBe(127_500);
  });

  it('survives a JSON round trip of its state (the checkpoint in processor_state)', () => {
    const engine = water();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    feed(engine, state, [[sp(6, 1), 100_000], [sp(6, 16), 115_000]]);
    const restored = JSON.parse(JSON.stringify(state)) as MeterBillingState;
    engine.applyReading(restored, reading(sp(7, 1), 127_000));
    expect(engine.advanceWatermark(restored, sp(7, 4))[0]!.totalCents).toBe(12803);
  });

  it('validates options and meter profiles once, naming the field', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(isMeterflowError(e, 'BILLING_CONFIG_INVALID')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a failure');
    };
    expect(message(() => water({ graceMs: -1 }))).toMatch(/^billing\.graceMs: /);
    expect(message(() => water({ tariffs: [sabesp2017, sabesp2017] }))).toBe('tariffs[1].id: "sabesp-res-2017" is used twice');
    expect(message(() => water({ tariffs: [{ ...sabesp2017, currency: 'R$' }] }))).toMatch(/^tariffs\[0\] "sabesp-res-2017"\.currency: /);
    const engine = water();
    expect(message(() => engine.createMeterState({ meterId: 'w-1', zone: 'Mars/Base', registerUnit: 'L' }))).toMatch(/^meter\.zone: "Mars\/Base" is not an IANA time zone/);
    expect(message(() => engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L', cycleDay: 31 }))).toMatch(/^meter\.cycleDay: /);
    expect(message(() => engine.createMeterState({ meterId: 'e-1', zone: SP, registerUnit: 'kWh' }))).toBe('tariffs "sabesp-res-2017".unit: "m3" cannot be converted from meter e-1\'s register unit "kWh"');
  });
});

describe('billing state: time-of-use electricity', () => {
  const hours = (from: number, to: number) => Array.from({ length: 24 }, (_, h) => (h >= from && h < to ? 1 : 0));
  const tou = (id: string, rates: [number, number], peak: [number, number], fixedCharge: number) => ({
    id,
    currency: 'USD',
    unit: 'kWh',
    fixedCharge,
    tierReferenceDays: null,
    tou: {
      periods: [
        { name: 'off-peak', blocks: [{ upTo: null, rate: rates[0] }] },
        { name: 'peak', blocks: [{ upTo: null, rate: rates[1] }] },
      ],
      weekdaySchedule: Array.from({ length: 12 }, () => hours(...peak)),
      weekendSchedule: Array.from({ length: 12 }, () => hours(0, 0)),
    },
  });
  const ny = (m: number, d: number, h = 0) => fromLocal(NY, 2026, m, d, h);
  const kwh = (ts: number, register: number): BillingReading => ({ meterId: 'e-1', ts, register, registerUnit: 'kWh', receivedAt: ts });

  it('bills peak and off-peak by local hour and day type, New York June 2026', () => {
    // Peak 17:00-21:00 on weekdays at $0.2875, off-peak $0.1225, fixed $10/month.
    const engine = createBillingEngine({ tariffs: [tou('tou', [0.1225, 0.2875], [17, 21], 10)], assignment: { default: 'tou' }, maxGapMs: 6 * 3_600_000 });
    const state = engine.createMeterState({ meterId: 'e-1', zone: NY, registerUnit: 'kWh' });
    // 1 June 2026 is a Monday, 6 June a Saturday.
    for (const [ts, r] of [
      [ny(6, 1), 1000], // start
      [ny(6, 1, 17), 1010], // 10 kWh 00-17 Monday: off-peak
      [ny(6, 1, 19), 1014], // 4 kWh 17-19: peak
      [ny(6, 1, 23), 1022], // 8 kWh 19-23 = 2/h: 19-21 peak 4, 21-23 off-peak 4
      [ny(6, 6, 17), 1022],
      [ny(6, 6, 21), 1030], // 8 kWh Saturday 17-21: weekend, off-peak
      [ny(7, 1), 1030],
    ] as Array<[number, number]>) {
      engine.applyReading(state, kwh(ts, r));
    }
    const [june] = engine.advanceWatermark(state, ny(7, 4));
    // off-peak 10 + 4 + 8 = 22 kWh × 0.1225 = 2.695 → 2.70; peak 4 + 4 = 8 kWh × 0.2875 = 2.30; fixed 10.00
    expect(june!.lines.map((l) => [l.kind, l.period, l.quantity, l.amountCents])).toEqual([
      ['fixed', null, 1, 1000],
      ['tou', 'off-peak', 22, 270],
      ['tou', 'peak', 8, 230],
    ]);
    expect(june).toMatchObject({ totalCents: 1500, consumption: 30, currency: 'USD', dueDate: '2026-07-11' });
    // Gaps over 6 h: Monday 00-17, Monday 23:00 → Saturday 17:00, Saturday 21:00 → 1 July.
    expect(june!.gaps).toEqual([
      { from: ny(6, 1), to: ny(6, 1, 17), open: false },
      { from: ny(6, 1, 23), to: ny(6, 6, 17), open: false },
      { from: ny(6, 6, 21), to: ny(7, 1), open: false },
    ]);
  });

  it('gets the hours and the period edges right over the DST month (New York, March 2026)', () => {
    // Day rate $0.20 (period 0, "off-peak" here), night 00:00-06:00 $0.05 (period 1, "peak" here), weekends alike.
    const night = tou('night', [0.2, 0.05], [0, 6], 0);
    const sameSchedule = createBillingEngine({
      tariffs: [{ ...night, tou: { ...night.tou, weekendSchedule: night.tou.weekdaySchedule } }],
      assignment: { default: 'night' },
      graceMs: day,
    });
    const byPeriod = (inv: Invoice) => inv.lines.map((l) => [l.period, l.quantity, l.amountCents]);
    const s = sameSchedule.createMeterState({ meterId: 'e-1', zone: NY, registerUnit: 'kWh' });
    for (const [iso, r] of [
      ['2026-03-01T04:30:00Z', 100], // 28 Feb 23:30 EST
      ['2026-03-01T05:30:00Z', 102], // 1 Mar 00:30 EST: 2 kWh over 1 h, half each side of local midnight
      ['2026-03-08T05:00:00Z', 102], // 8 Mar 00:00 EST
      ['2026-03-08T11:00:00Z', 108], // 8 Mar 07:00 EDT: 6 real hours, local 00 01 03 04 05 06
      ['2026-04-01T04:00:00Z', 108], // 1 Apr 00:00 EDT
    ] as Array<[string, number]>) {
      sameSchedule.applyReading(s, kwh(Date.parse(iso), r));
    }
    const [feb, mar] = sameSchedule.advanceWatermark(s, Date.parse('2026-04-02T04:00:00Z'));
    // February gets the 23:30-24:00 half: 1 kWh at the day rate = 0.20.
    expect(feb).toMatchObject({ periodLabel: '2026-02-01', consumption: 1, totalCents: 20 });
    expect(byPeriod(feb!)).toEqual([['off-peak', 1, 20]]);
    // March: 1 kWh 00:00-00:30 on 1 Mar (night) + 5 night + 1 day on 8 Mar → night 6 × 0.05 = 0.30, day 1 × 0.20 = 0.20
    expect(mar).toMatchObject({ periodLabel: '2026-03-01', periodStart: Date.parse('2026-03-01T05:00:00Z'), periodEnd: Date.parse('2026-04-01T04:00:00Z'), periodDays: 31, consumption: 7, totalCents: 50 });
    expect(byPeriod(mar!)).toEqual([
      ['off-peak', 1, 20],
      ['peak', 6, 30],
    ]);
  });

  it('prices a URDB tariff (summer on-peak, Chicago, July 2026)', () => {
    // Imported from the fixture: off-peak 0.0943, summer on-peak 14:00-19:00 weekdays 0.2482, fixed 12.50.
    const urdb = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/billing/urdb-residential-tou.json'), 'utf8')) as unknown;
    const { tariff } = importUrdbTariff(urdb, { id: 'urdb-tou', periodNames: ['off-peak', 'summer-peak', 'winter-peak'] });
    const engine = createBillingEngine({ tariffs: [tariff], assignment: { default: 'urdb-tou' } });
    const state = engine.createMeterState({ meterId: 'e-1', zone: 'America/Chicago', registerUnit: 'kWh' });
    const chi = (m: number, d: number, h = 0) => fromLocal('America/Chicago', 2026, m, d, h);
    // 1 July 2026 is a Wednesday. 7 kWh 00-14 (off-peak), 10 kWh 14-19 (summer on-peak).
    for (const [ts, r] of [[chi(7, 1), 5000], [chi(7, 1, 14), 5007], [chi(7, 1, 19), 5017], [chi(8, 1), 5017]] as Array<[number, number]>) engine.applyReading(state, kwh(ts, r));
    const [july] = engine.advanceWatermark(state, chi(8, 4));
    // fixed 12.50; off-peak 7 × 0.0943 = 0.6601 → 0.66; on-peak 10 × 0.2482 = 2.482 → 2.48; total 15.64
    expect(july!.lines.map((l) => [l.kind, l.period, l.quantity, l.amountCents])).toEqual([
      ['fixed', null, 1, 1250],
      ['tou', 'off-peak', 7, 66],
      ['tou', 'summer-peak', 10, 248],
    ]);
    expect(july!.totalCents).toBe(1564);
  });
});
