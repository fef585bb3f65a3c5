import { createBillingEngine, type BillingEngine, type MeterBillingState } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// A customer moves out and another moves in on 16 June (docs/billing.md, "Owners"): June is
// billed as two invoices, each owner for their own days and their own litres, blocks prorated by
// billable days / 30 as for a move-in; July belongs to the new owner. SABESP 2017, São Paulo.
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number) => fromLocal(SP, 2017, m, d, 0);

const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const newState = (engine: BillingEngine, ownerChanges: Array<{ from: string; customerId: string | null }>) =>
  engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L', customerId: 'c-old', ownerChanges });
const apply = (engine: BillingEngine, state: MeterBillingState, ts: number, litres: number) =>
  engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts + 1000 });
const summary = (invoices: Invoice[]) => invoices.map((i) => [i.invoiceId, i.customerId, i.status, i.consumption, i.billableDays, i.totalCents]);
const moveIn = [{ from: '2017-06-16', customerId: 'c-new' }];

// Hand-worked: each June part has 15 billable days of 30: block 1 flat 24.15 × 15/30 = 12.075 →
// R$12.08 up to 5 m³; block 2 (5, 10] R$3.78; block 3 (10, 25] R$9.44.
// c-old, 1–15 June, 100,000 → 115,000 L = 15 m³: 12.08 + 5 × 3.78 + 5 × 9.44 = 12.08 + 18.90 + 47.20 = R$78.18.
// c-new, 16–30 June, 115,000 → 127,000 L = 12 m³: 12.08 + 18.90 + 2 × 9.44 = R$49.86.
// c-new, July (31 days), 127,000 → 129,000 L = 2 m³: inside block 1 (10.333 m³), flat 24.15 × 31/30 = 24.955 → R$24.96.
describe('billing when the owner changes inside a period', () => {
  it('bills each owner their own days and litres, on their own invoice', () => {
    const engine = engineOf();
    const state = newState(engine, moveIn);
    for (const [ts, litres] of [[sp(6, 1), 100_000], [sp(6, 16), 115_000], [sp(7, 1), 127_000], [sp(8, 1), 129_000]] as const) apply(engine, state, ts, litres);
    expect(summary(engine.advanceWatermark(state, sp(8, 4)))).toEqual([
      ['w-1/2017-06-01', 'c-old', 'final', 15_000, 15, 7818],
      ['w-1/2017-06-01/from-2017-06-16', 'c-new', 'final', 12_000, 15, 4986],
      ['w-1/2017-07-01', 'c-new', 'final', 2_000, 31, 2496],
    ]);
  });

  it('a part wholly outside the service period is not billed (no 0-day invoice)', () => {
    const engine = engineOf();
    // Service starts 16 June; the registry names a new owner from 10 June: 1–9 June has no
    // billable day, so June is one bill, the new owner's 15 days (as for a move-in alone).
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L', customerId: 'c-old', ownerChanges: [{ from: '2017-06-10', customerId: 'c-new' }], serviceStart: sp(6, 16) });
    for (const [ts, litres] of [[sp(6, 16), 115_000], [sp(7, 1), 127_000]] as const) apply(engine, state, ts, litres);
    // 12 m³ in 15 days: 12.08 + 5 × 3.78 + 2 × 9.44 = R$49.86.
    expect(summary(engine.advanceWatermark(state, sp(7, 4)))).toEqual([['w-1/2017-06-01/from-2017-06-10', 'c-new', 'final', 12_000, 15, 4986]]);
  });

  it('a late reading moves litres between the owners as adjustments of their own invoices', () => {
    const engine = engineOf();
    const state = newState(engine, moveIn);
    // No reading at the move-in: the step 100,000 → 118,000 over 1–20 June is shared by time.
    for (const [ts, litres] of [[sp(6, 1), 100_000], [sp(6, 20), 118_000], [sp(7, 1), 127_000]] as const) apply(engine, state, ts, litres);
    const finals = engine.advanceWatermark(state, sp(7, 4));
    // c-old: 15 of the 19 days = 14,210.526 L; c-new: 4 days (3,789.474 L) + 9,000 L = 12,789.474 L.
    expect(finals.map((i) => [i.customerId, i.consumption])).toEqual([['c-old', 14_210.526], ['c-new', 12_789.474]]);
    // The meter read at the move-in, received late: c-old used 15,000 L, c-new 12,000 L.
    apply(engine, state, sp(6, 16), 115_000);
    const adjustments = engine.advanceWatermark(state, sp(7, 5));
    expect(adjustments.map((i) => [i.invoiceId, i.customerId, i.consumption])).toEqual([
      ['w-1/2017-06-01/adj-1', 'c-old', 789.474],
      ['w-1/2017-06-01/from-2017-06-16/adj-1', 'c-new', -789.474],
    ]);
  });

  it('a move-in recorded after the period was billed does not split it again; the next period is the new owner’s', () => {
    const engine = engineOf();
    const state = newState(engine, []);
    for (const [ts, litres] of [[sp(6, 1), 100_000], [sp(7, 1), 127_000]] as const) apply(engine, state, ts, litres);
    expect(summary(engine.advanceWatermark(state, sp(7, 4))).map((r) => r.slice(0, 2))).toEqual([['w-1/2017-06-01', 'c-old']]);
    expect(engine.updateProfile(state, { zone: SP, cycleDay: 1, registerModulus: null, registerMultiplier: 1, maxFlowPerHour: undefined, serviceStart: null, serviceEnd: null, ownerChanges: moveIn }).changed).toBe(true);
    apply(engine, state, sp(8, 1), 129_000);
    expect(summary(engine.advanceWatermark(state, sp(8, 4))).map((r) => r.slice(0, 3))).toEqual([['w-1/2017-07-01', 'c-new', 'final']]);
  });

  it('a period with one owner keeps its plain invoice id, and vacant days are billed to no customer', () => {
    const engine = engineOf();
    const state = newState(engine, [{ from: '2017-06-11', customerId: null }, { from: '2017-06-21', customerId: 'c-new' }]);
    for (const [ts, litres] of [[sp(6, 1), 100_000], [sp(7, 1), 130_000]] as const) apply(engine, state, ts, litres);
    expect(summary(engine.advanceWatermark(state, sp(7, 4))).map((r) => r.slice(0, 5))).toEqual([
      ['w-1/2017-06-01', 'c-old', 'final', 10_000, 10],
      ['w-1/2017-06-01/from-2017-06-11', null, 'final', 10_000, 10],
      ['w-1/2017-06-01/from-2017-06-21', 'c-new', 'final', 10_000, 10],
    ]);
  });
});
