import { createBillingEngine, type BillingEngine } from '../../../../processors/billing/billing-state';
import type { ReadingSource } from '../../../../core/streams/readings';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// Manual reads and corrections (docs/billing.md, "Manual reads and corrections"): an admin's
// read is billed like a device's, an estimate marks the bill, and a correction of a finally
// billed instant is an adjustment — never a change to the final invoice. SABESP 2017, São Paulo.
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number, h = 0) => fromLocal(SP, 2017, m, d, h);
const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const read = (ts: number, litres: number, receivedAt: number, source?: ReadingSource) => ({ meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt, ...(source ? { source } : {}) });

describe('manual reads, estimates and corrections', () => {
  it('a correction of a finally billed instant is taken and billed as an adjustment; the final invoice stands', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    for (const [ts, litres] of [[sp(6, 1), 100_000], [sp(6, 16), 115_000], [sp(7, 1), 127_000]] as const) engine.applyReading(state, read(ts, litres, ts));
    const [final] = engine.advanceWatermark(state, sp(7, 4));
    // 27 m³: 24.15 + 10 × 3.78 + 7 × 9.44 = 128.03
    expect(final).toMatchObject({ invoiceId: 'w-1/2017-06-01', consumption: 27_000, totalCents: 12803, readStatus: 'read' });
    // The same different value from the device would be refused (the final invoice stands)…
    expect(engine.applyReading(state, read(sp(7, 1), 125_000, sp(7, 5)))).toBe('rewrite-refused');
    // …from an admin who read the register on site, it is a correction.
    expect(engine.applyReading(state, read(sp(7, 1), 125_000, sp(7, 5), 'manual'))).toBe('superseded');
    const [adjustment, ...rest] = engine.advanceWatermark(state, sp(7, 5));
    expect(rest).toEqual([]);
    // June is 25 m³ now: block 3 holds 5 m³ instead of 7 → −2 × 9.44 = −18.88.
    expect(adjustment).toMatchObject({ invoiceId: 'w-1/2017-06-01/adj-1', status: 'adjusted', consumption: -2000, totalCents: -1888 });
    expect(final).toMatchObject({ consumption: 27_000, totalCents: 12803 });
  });

  it('an estimated read is billed and marks the bill of the period it measures as estimated', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    engine.applyReading(state, read(sp(6, 1), 100_000, sp(6, 1)));
    engine.applyReading(state, read(sp(7, 1), 120_000, sp(7, 2), 'estimated'));
    engine.applyReading(state, read(sp(8, 1), 131_000, sp(8, 1)));
    const bills = engine.advanceWatermark(state, sp(8, 4));
    // June: 20 m³ = 24.15 + 37.80 = 61.95, measured by the estimate of 1 July 00:00. July: 11 m³,
    // 31 days: flat 24.96 + (11 − 10.333 = 0.667 × 3.78 = 2.52126 → 2.52) = 27.48, measured by a device read.
    expect(bills.map((b) => [b.periodLabel, b.consumption, b.totalCents, b.readStatus])).toEqual([
      ['2017-06-01', 20_000, 6195, 'estimated'],
      ['2017-07-01', 11_000, 2748, 'read'],
    ]);
  });
});
