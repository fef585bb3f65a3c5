import { addRegisterValue, analyseRegister, compactRegister, createRegisterState, type RegisterOptions, type RegisterState } from '../../../../processors/billing/register-consumption';

// Jumps: an increase beyond the meter's maximum flow over the elapsed time (at least an hour)
// is held for review and not billed (docs/billing.md, "Jumps held for review"). Maximum here:
// 10,000 L/h, the default for a litre register (10 m³/h). Every expected value is worked by hand.
const hour = 3_600_000;
const options: RegisterOptions = { modulus: null, maxWrapFraction: 0.5, maxFlowPerHour: 10_000 };

function registerOf(points: Array<[number, number]>): RegisterState {
  const state = createRegisterState('L');
  points.forEach(([ts, value], i) => addRegisterValue(state, ts, value, i));
  return state;
}
const billed = (state: RegisterState, o = options) => analyseRegister(state, o).segments.reduce((sum, s) => sum + s.quantity, 0);

describe('register jumps (maximum flow 10,000 L/h)', () => {
  it('holds a single outlier and bills the meter around it', () => {
    const state = registerOf([[0, 1000], [1 * hour, 1100], [2 * hour, 500_000], [3 * hour, 1300], [4 * hour, 1400]]);
    const analysis = analyseRegister(state, options);
    // 100 + 200 (1100 → 1300 over two hours) + 100 = 400; 500,000 is never billed.
    expect(billed(state)).toBe(400);
    expect(analysis.decreases).toEqual([{ ts: 2 * hour, from: 1100, to: 500_000, kind: 'jump', quantity: 0 }]);
    expect(analysis.held).toEqual([2 * hour]);
    expect(analysis.heldQuantity).toBe(0);
  });

  it('holds a second register interleaved in the export, with one jump for the whole series', () => {
    // Meter A: 1000, 1100, 1200, 1300 at 0, 2, 4, 6 h; another register B: 250,000 → 250,100 at 1, 3, 5 h.
    const state = registerOf([[0, 1000], [1 * hour, 250_000], [2 * hour, 1100], [3 * hour, 250_050], [4 * hour, 1200], [5 * hour, 250_100], [6 * hour, 1300]]);
    const analysis = analyseRegister(state, options);
    // A alone: 300 L. Without the rule B's 249,000 L would be billed, then every A reading would be a decrease.
    expect(billed(state)).toBe(300);
    expect(analysis.decreases.map((d) => [d.ts, d.kind])).toEqual([[1 * hour, 'jump']]);
    expect(analysis.held).toEqual([1 * hour, 3 * hour, 5 * hour]);
  });

  it('reads a jump the old series never comes back from as a level shift: the step is held, consumption after it billed', () => {
    const state = registerOf([[0, 1000], [1 * hour, 1100], [2 * hour, 249_100], [3 * hour, 249_200], [4 * hour, 249_300]]);
    const analysis = analyseRegister(state, options);
    // 100 (0 → 1 h) + 100 (2 → 3 h, the new level continued) + 100 = 300; the step 249,100 − 1,100 = 248,000 is held.
    expect(billed(state)).toBe(300);
    expect(analysis.heldQuantity).toBe(248_000);
    expect(analysis.decreases).toEqual([{ ts: 2 * hour, from: 1100, to: 249_100, kind: 'jump', quantity: 0 }]);
    expect(analysis.held).toEqual([2 * hour]);
    // Billed + held = the register's whole advance: 249,300 − 1,000.
    expect(billed(state) + analysis.heldQuantity).toBe(249_300 - 1000);
  });

  it('bills a jump an admin confirmed (the same value, read manually), whatever the arrival order', () => {
    const points: Array<[number, number]> = [[0, 1000], [1 * hour, 1100], [2 * hour, 249_100], [3 * hour, 249_200]];
    const state = registerOf(points);
    state.changedFrom = null; // as the billing engine leaves it after an advance
    // acceptMeterRead re-sends the stored value as a manual read: it marks the point, nothing else.
    expect(addRegisterValue(state, 2 * hour, 249_100, 100, 'manual')).toBe('superseded');
    expect(addRegisterValue(state, 2 * hour, 249_100, 101, 'manual')).toBe('duplicate');
    // The device's value replayed after it changes nothing: the admin's statement wins its instant.
    expect(addRegisterValue(state, 2 * hour, 249_100, 102)).toBe('duplicate');
    expect(state.points[2]).toMatchObject({ value: 249_100, source: 'manual' });
    // The derived consumption changed from the reading before the confirmed one.
    expect(state.changedFrom).toBe(1 * hour);
    const analysis = analyseRegister(state, options);
    expect(billed(state)).toBe(249_200 - 1000);
    expect(analysis.decreases).toEqual([]);
    expect(analysis.heldQuantity).toBe(0);
    // Confirmed before the device's readings arrive: the same.
    const early = createRegisterState('L');
    addRegisterValue(early, 2 * hour, 249_100, 100, 'manual');
    [...points].reverse().forEach(([ts, value], i) => addRegisterValue(early, ts, value, i));
    expect(analyseRegister(early, options)).toEqual(analysis);
  });

  it('takes an admin correction over the device value of its instant, in either order', () => {
    // The device said 500,000 at 2 h (an outlier); the admin read 1,250 there.
    const corrected = registerOf([[0, 1000], [1 * hour, 1100], [2 * hour, 500_000], [3 * hour, 1300]]);
    expect(addRegisterValue(corrected, 2 * hour, 1250, 0, 'manual')).toBe('superseded');
    const first = createRegisterState('L');
    addRegisterValue(first, 2 * hour, 1250, 0, 'manual');
    for (const [ts, value] of [[0, 1000], [1 * hour, 1100], [2 * hour, 500_000], [3 * hour, 1300]] as const) addRegisterValue(first, ts, value, 50);
    for (const state of [corrected, first]) {
      // 100 + 150 + 50 = 300 L, nothing held.
      expect(billed(state)).toBe(300);
      expect(analyseRegister(state, options).decreases).toEqual([]);
    }
  });

  it('measures the flow over at least an hour, so readings seconds apart are not jumps', () => {
    // 5,000 L in 10 s would be 1.8 million L/h; over the one-hour floor it is 5,000 L/h: billed.
    const quick = registerOf([[0, 1000], [10_000, 6000]]);
    expect(billed(quick)).toBe(5000);
    // 10,001 L in an hour is one litre over the maximum: held.
    const over = registerOf([[0, 1000], [hour, 11_001]]);
    expect(billed(over)).toBe(0);
    expect(analyseRegister(over, options).decreases.map((d) => d.kind)).toEqual(['jump']);
    // 10,000 L in an hour is the maximum itself: billed.
    expect(billed(registerOf([[0, 1000], [hour, 11_000]]))).toBe(10_000);
  });

  it('changes nothing without a maximum, and leaves wraps to the modulus', () => {
    const state = registerOf([[0, 1000], [hour, 500_000]]);
    expect(billed(state, { ...options, maxFlowPerHour: null })).toBe(499_000);
    const wrapped = registerOf([[0, 999_900], [hour, 50]]);
    // Forward distance 1,000,000 − 999,900 + 50 = 150 L.
    expect(analyseRegister(wrapped, { ...options, modulus: 1_000_000 }).decreases).toEqual([{ ts: hour, from: 999_900, to: 50, kind: 'wrap', quantity: 150 }]);
  });

  it('never compacts away a held reading: the analysis is the same after compaction', () => {
    // Readings every 5 min, B interleaved; compaction keeps 2 points per 15-min slot of a clean run.
    const points: Array<[number, number]> = [];
    for (let k = 0; k < 36; k++) points.push([k * 300_000, k % 3 === 1 ? 250_000 + k : 1000 + 10 * k]);
    const state = registerOf(points);
    const before = analyseRegister(state, options);
    compactRegister(state, options, 36 * 300_000, 900_000);
    const after = analyseRegister(state, options);
    expect(after.segments.reduce((s, x) => s + x.quantity, 0)).toBe(before.segments.reduce((s, x) => s + x.quantity, 0));
    expect(after.decreases).toEqual(before.decreases);
    // A: 1000 + 10k for k ≡ 0, 2 (mod 3) up to k = 35: 1350 − 1000 = 350 L.
    expect(billed(state)).toBe(350);
  });
});
