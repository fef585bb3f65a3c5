import { addRegisterValue, addReplacement, analyseRegister, compactRegister, createRegisterState, gapsWithin, type RegisterOptions } from '../../../../processors/billing/register-consumption';
import { usageBetween } from '../../../../processors/billing/usage-profile';
import { createBillingEngine } from '../../../../processors/billing/billing-state';
import { defaultBillingConfig } from '../../../../core/tariffs/default-billing-config';

// Billing keeps a bounded register history per meter, and bounding it
// changes nothing billing computes.
const min = 60_000;
const day = 86_400_000;
const slot = 15 * min;
const wrap1M: RegisterOptions = { modulus: 1_000_000, maxWrapFraction: 0.5, maxFlowPerHour: null };
const T0 = Date.UTC(2026, 2, 1);

/** A meter reporting every 20 s for 3 days: steady use, a glitch low reading, a wrap, a replacement. */
function busyMeter() {
  const s = createRegisterState('L');
  let v = 999_000;
  const swap = T0 + 2 * day + 3_600_000;
  let atSwap = 0;
  for (let t = T0; t < T0 + 3 * day; t += 20_000) {
    v += (Math.floor(t / 20_000) * 7919) % 13; // 0-12 L per 20 s, deterministic
    if (t === swap) atSwap = v;
    let value = v % 1_000_000; // the 6-digit register wraps once, early on
    if (t === T0 + day + 3 * 3_600_000) value = 5; // an unexplained glitch
    if (t >= swap) value = 100 + (v - atSwap); // a new register from the swap on
    addRegisterValue(s, t, value, t);
  }
  addReplacement(s, { ts: T0 + 2 * day + 3_600_000 - 1, oldFinal: null, newInitial: 100 });
  return s;
}

describe('register compaction', () => {
  it('keeps at most 2 points per 15-min slot of settled history, plus the points around anomalies', () => {
    const s = busyMeter();
    const before = s.points.length;
    const settled = T0 + 3 * day - 6 * 3_600_000;
    const dropped = compactRegister(s, wrap1M, settled, slot);
    expect(before).toBe(3 * 4320);
    const slots = new Map<number, number>();
    for (const p of s.points) if (p.ts < settled) slots.set(Math.floor(p.ts / slot), (slots.get(Math.floor(p.ts / slot)) ?? 0) + 1);
    const crowded = [...slots.values()].filter((n) => n > 2);
    // Only the slots holding the wrap, the glitch (and the step after it) and the replacement keep all 45 points.
    expect(crowded.length).toBeLessThanOrEqual(4);
    // 66 settled hours = 264 slots × 2, at most 4 slots × 45 kept whole, 1,080 unsettled points.
    expect(s.points.length).toBeLessThanOrEqual(264 * 2 + 4 * 45 + 1080);
    expect(dropped).toBe(before - s.points.length);
    // Unsettled history is untouched (one point per 20 s).
    expect(s.points.filter((p) => p.ts >= settled)).toHaveLength((6 * 3_600_000) / 20_000);
  });

  it('a stretch with no slot of 3 points is marked compacted as it is; a later busy stretch is still compacted', () => {
    const s = createRegisterState('L');
    // Every 10 min for a day (1 or 2 points per 15-min slot), then every 1 min for an hour.
    for (let t = T0; t < T0 + day; t += 10 * min) addRegisterValue(s, t, (t - T0) / min, t);
    for (let t = T0 + day; t < T0 + day + 60 * min; t += min) addRegisterValue(s, t, (t - T0) / min, t);
    const sparse = s.points.length;
    expect(compactRegister(s, wrap1M, T0 + day, slot)).toBe(0);
    expect([s.points.length, s.compactedBefore]).toEqual([sparse, T0 + day]);
    // The busy hour: 4 slots of 15 points, 2 kept each.
    expect(compactRegister(s, wrap1M, T0 + day + 60 * min, slot)).toBe(4 * 13);
    expect(analyseRegister(s, wrap1M).segments.reduce((sum, x) => sum + x.quantity, 0)).toBe(24 * 60 + 59);
  });

  it('changes no consumption, no hourly or daily usage (in a +5:45 zone), no decrease and no gap', () => {
    const full = busyMeter();
    const compacted = busyMeter();
    compactRegister(compacted, wrap1M, T0 + 3 * day, slot);
    const a = analyseRegister(full, wrap1M);
    const b = analyseRegister(compacted, wrap1M);
    expect(b.decreases).toEqual(a.decreases);
    expect(a.decreases.map((d) => d.kind)).toEqual(['wrap', 'unexplained', 'replacement']);
    for (let d = 0; d < 3; d += 1) {
      const from = T0 + d * day - (5 * 60 + 45) * min; // local midnight in Asia/Kathmandu
      const ua = usageBetween(a.segments, from, from + day, 'Asia/Kathmandu', { hourly: true });
      const ub = usageBetween(b.segments, from, from + day, 'Asia/Kathmandu', { hourly: true });
      expect(ub.total).toBeCloseTo(ua.total, 6);
      ub.byHour.forEach((x, hour) => expect(x).toBeCloseTo(ua.byHour[hour]!, 6));
    }
    expect(gapsWithin(compacted, T0, T0 + 3 * day, 6 * 3_600_000)).toEqual(gapsWithin(full, T0, T0 + 3 * day, 6 * 3_600_000));
  });

  it('billing a meter that reports every minute holds ~2 points per 15 min, and bills what the register says', () => {
    const engine = createBillingEngine(defaultBillingConfig);
    const state = engine.createMeterState({ meterId: 'w-1', zone: 'UTC', registerUnit: 'L' });
    // March: 100,000 → 110,000 L linearly (10 m³, first tier: 24.15 × 31/30 = 24.96), then on into April.
    const finals = [];
    for (let t = T0; t <= Date.UTC(2026, 3, 5); t += min) {
      engine.applyReading(state, { meterId: 'w-1', ts: t, register: 100_000 + (10_000 * (t - T0)) / (31 * day), registerUnit: 'L', receivedAt: t });
      if (t % (6 * 3_600_000) === 0) finals.push(...engine.advanceWatermark(state, t).filter((i) => i.status === 'final'));
    }
    expect(finals.map((f) => [f.periodLabel, f.consumption, f.totalCents])).toEqual([['2026-03-01', 10_000, 2496]]);
    // 35 days of minutes = 50,400 readings; kept: March is pruned to the retained periods' needs,
    // settled slots hold 2 points each.
    const held = state.register.points.length;
    expect(held).toBeLessThanOrEqual(2 * 35 * 96 + 6 * 60 + 1);
    expect(held).toBeGreaterThan(0);
  });
});
