import { createBillingEngine, type BillingEngine, type MeterBillingState } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// A register step that ends after a final bill but started inside its period, behind readings
// excluded as decreases (found on DAIAD meter 4296fd72, March 2016: 13.876 L on no invoice).
// The consumption from the last accepted value to the reading that ends the step is spread
// over the step's whole span, so the closed period's share must be billed as an adjustment —
// not lost because the reading before the new one (an excluded decrease) lies after the
// period's end. SABESP 2017, São Paulo (no DST change in March–April 2017).
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number) => fromLocal(SP, 2017, m, d, 0);

const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const apply = (engine: BillingEngine, state: MeterBillingState, ts: number, litres: number) =>
  engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts + 1000 });
const summary = (invoices: Invoice[]) => invoices.map((i) => [i.invoiceId, i.status, i.consumption, i.totalCents]);

// 1 March 100,000 L; 13 March 112,000 (12 m³ accepted); 20 March 99,000 and 2 April 99,500:
// glitches below the baseline, excluded; 6 April 136,000: a step of 24 m³ over the 24 days
// from 13 March (1 m³ a day), 19 days of them in March.
const beforeMarchCloses: Array<[number, number]> = [
  [sp(3, 1), 100_000],
  [sp(3, 13), 112_000],
  [sp(3, 20), 99_000],
  [sp(4, 2), 99_500],
];
const stepEnd: [number, number] = [sp(4, 6), 136_000];

// Hand-worked, SABESP 2017 residential (block 1 flat up to 10.333 m³ for 31 days: 24.15 × 31/30
// = 24.955 → R$24.96; block 2 (10.333, 20.667] R$3.78/m³; block 3 (20.667, 51.667] R$9.44/m³):
// March as first billed, 12 m³: 24.96 + 1.667 × 3.78 = 6.30126 → 6.30: R$31.26.
// March with its share of the step, 12 + 19 = 31 m³: 24.96 + 10.334 × 3.78 = 39.06252 → 39.06
//   + (31 − 20.667 = 10.333) × 9.44 = 97.54352 → 97.54: R$161.56, so the adjustment is +R$130.30.
describe('a register step behind excluded decreases, spanning a final period', () => {
  it('live: the closed period gets its share of the step as an adjustment', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    for (const r of beforeMarchCloses) apply(engine, state, ...r);
    const final = engine.advanceWatermark(state, sp(4, 4));
    expect(summary(final)).toEqual([['w-1/2017-03-01', 'final', 12_000, 3126]]);
    expect(final[0]!.decreases.map((d) => d.kind)).toEqual(['unexplained']);

    apply(engine, state, ...stepEnd);
    const adjusted = engine.advanceWatermark(state, sp(4, 7));
    expect(summary(adjusted)).toEqual([['w-1/2017-03-01/adj-1', 'adjusted', 19_000, 16_156 - 3126]]);
  });

  it('the same readings at once bill March 31 m³ directly, and every litre once', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    for (const r of [stepEnd, ...beforeMarchCloses].reverse()) apply(engine, state, ...r);
    const bills = engine.advanceWatermark(state, sp(5, 4));
    // April: the step's 5 remaining days, 5 m³ (30 days: inside block 1's 10 m³, the flat R$24.15).
    expect(summary(bills)).toEqual([
      ['w-1/2017-03-01', 'final', 31_000, 16_156],
      ['w-1/2017-04-01', 'final', 5_000, 2415],
    ]);
    expect(bills.reduce((sum, i) => sum + i.consumption, 0)).toBe(136_000 - 100_000);
  });
});
