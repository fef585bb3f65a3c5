import { createBillingEngine, type BillingEngine, type MeterBillingState } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// The gap rule (docs/billing.md, "Gaps"): consumption measured over a gap longer than a month
// (carryGapMs, 31 days) that began in an earlier period is billed in the period the gap ends
// in, listed there as carried; the periods the meter was silent in get final bills marked
// no-read. Every litre on exactly one invoice, however long the gap and however many periods
// were forgotten meanwhile. SABESP 2017 in São Paulo (UTC−3 from March to September 2017).
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number, h = 0) => fromLocal(SP, 2017, m, d, h);

const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const apply = (engine: BillingEngine, state: MeterBillingState, ts: number, litres: number) =>
  engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts + 1000 });
const summary = (invoices: Invoice[]) => invoices.map((i) => [i.invoiceId, i.consumption, i.totalCents, i.readStatus]);

// 1 March 100,000 L; 1 April 110,000; then silence until 15 August 150,000; 1 September 152,000.
const readings: Array<[number, number]> = [
  [sp(3, 1), 100_000],
  [sp(4, 1), 110_000],
  [sp(8, 15), 150_000],
  [sp(9, 1), 152_000],
];

// Hand-worked (tier bounds and flat amounts scale by days / 30, rounded to 3 decimals; lines half-up to the cent):
// March (31 d), 10 m³: inside block 1 (10.333 m³), flat 24.15 × 31/30 = 24.955 → R$24.96.
// April (30 d), May (31), June (30), July (31): no reading, 0 m³, the flat minimum: 24.15, 24.96, 24.15, 24.96.
// August (31 d): the gap 1 April → 15 August (40 m³) is carried into August, plus 15 Aug → 1 Sep (2 m³) = 42 m³:
//   block 1 flat 24.96; block 2 (10.333, 20.667]: 10.334 × 3.78 = 39.06252 → 39.06;
//   block 3 (20.667, 51.667]: 42 − 20.667 = 21.333 × 9.44 = 201.38352 → 201.38. Total R$265.40.
const expected = [
  ['w-1/2017-03-01', 10_000, 2496, 'read'],
  ['w-1/2017-04-01', 0, 2415, 'no-read'],
  ['w-1/2017-05-01', 0, 2496, 'no-read'],
  ['w-1/2017-06-01', 0, 2415, 'no-read'],
  ['w-1/2017-07-01', 0, 2496, 'no-read'],
  ['w-1/2017-08-01', 42_000, 26540, 'read'],
];

describe('billing over a gap of months (SABESP, São Paulo 2017)', () => {
  it('live: silent months get no-read bills; the gap is billed, labelled, in the month the meter reports again', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    const emitted: Invoice[] = [];
    apply(engine, state, ...readings[0]!);
    apply(engine, state, ...readings[1]!);
    // Stream time goes on (other meters report) while this one is silent: March to July close.
    for (const month of [4, 5, 6, 7, 8]) emitted.push(...engine.advanceWatermark(state, sp(month, 4)));
    // Three closed periods are retained: March and April were forgotten, the register pruned at 1 May.
    expect(state.closed.map((c) => c.label)).toEqual(['2017-05-01', '2017-06-01', '2017-07-01']);
    apply(engine, state, ...readings[2]!);
    apply(engine, state, ...readings[3]!);
    emitted.push(...engine.advanceWatermark(state, sp(9, 4)));

    expect(summary(emitted)).toEqual(expected);
    const august = emitted.at(-1)!;
    expect(august.carried).toEqual([{ from: sp(4, 1), to: sp(8, 15), quantity: 40_000 }]);
    // Every litre the register advanced is on exactly one invoice: 152,000 − 100,000 L.
    expect(emitted.reduce((sum, i) => sum + i.consumption, 0)).toBe(52_000);
  });

  it('history: the same readings imported at once give the same final bills', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    for (const r of [...readings].reverse()) apply(engine, state, ...r);
    expect(summary(engine.advanceWatermark(state, sp(9, 4)))).toEqual(expected);
  });

  it('a gap ending exactly at a period start is billed in the period before it (the reading closes it)', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    // 1 April 110,000 → 1 August 00:00 150,000: the gap's last instant is in July.
    for (const [ts, litres] of [readings[0]!, readings[1]!, [sp(8, 1), 150_000] as [number, number]]) apply(engine, state, ts, litres);
    const bills = engine.advanceWatermark(state, sp(8, 4));
    // July (31 d), 40 m³: 24.96 + 39.06 + (40 − 20.667 = 19.333 × 9.44 = 182.50352 → 182.50) = R$246.52.
    expect(summary(bills).at(-1)).toEqual(['w-1/2017-07-01', 40_000, 24_652, 'read']);
    expect(bills.at(-1)!.carried).toEqual([{ from: sp(4, 1), to: sp(8, 1), quantity: 40_000 }]);
  });

  it('a gap up to a month long is still prorated over the periods it spans (a monthly read between cycle days)', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    // 16 June 100,000 → 16 July 130,000: 30 days, 15 in June → 15 m³ each side.
    apply(engine, state, sp(6, 16), 100_000);
    apply(engine, state, sp(7, 16), 130_000);
    const bills = engine.advanceWatermark(state, sp(8, 4));
    expect(bills.map((b) => [b.periodLabel, b.consumption, b.carried])).toEqual([
      ['2017-06-01', 15_000, []],
      ['2017-07-01', 15_000, []],
    ]);
  });
});
