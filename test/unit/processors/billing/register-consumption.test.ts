import {
  addRegisterValue,
  addReplacement,
  analyseRegister,
  createRegisterState,
  gapsWithin,
  pruneRegister,
  type RegisterOptions,
} from '../../../../processors/billing/register-consumption';

const h = 3_600_000;
const noWrap: RegisterOptions = { modulus: null, maxWrapFraction: 0.5, maxFlowPerHour: null };
const wrap1M: RegisterOptions = { modulus: 1_000_000, maxWrapFraction: 0.5, maxFlowPerHour: null };

function stateOf(points: Array<[number, number]>) {
  const s = createRegisterState('L');
  for (const [ts, value] of points) addRegisterValue(s, ts, value, ts);
  return s;
}
const total = (segments: Array<{ quantity: number }>) => segments.reduce((a, s) => a + s.quantity, 0);

describe('consumption from a cumulative register', () => {
  it('sums the increases between consecutive readings', () => {
    const a = analyseRegister(stateOf([[0, 100], [h, 150], [2 * h, 150], [3 * h, 175]]), noWrap);
    // 150 − 100 = 50 over (0, 1 h]; flat; 175 − 150 = 25 over (2 h, 3 h].
    expect(a.segments).toEqual([
      { from: 0, to: h, quantity: 50, kind: 'increase' },
      { from: 2 * h, to: 3 * h, quantity: 25, kind: 'increase' },
    ]);
    expect(a.decreases).toEqual([]);
  });

  it('gives the same result for shuffled and duplicated readings as for sorted ones', () => {
    const points: Array<[number, number]> = [[0, 100], [h, 150], [2 * h, 140], [3 * h, 175], [4 * h, 990]];
    const sorted = analyseRegister(stateOf(points), noWrap);
    const shuffled = createRegisterState('L');
    for (const i of [3, 0, 4, 1, 3, 2, 0, 4]) {
      const [ts, value] = points[i]!;
      addRegisterValue(shuffled, ts, value, ts);
    }
    expect(shuffled.points.map((p) => p.ts)).toEqual([0, h, 2 * h, 3 * h, 4 * h]);
    expect(analyseRegister(shuffled, noWrap)).toEqual(sorted);
  });

  it('keeps one value per instant: the later arrival wins, whatever the order they are applied in', () => {
    const a = createRegisterState('L');
    expect(addRegisterValue(a, h, 150, 10)).toBe('added');
    expect(addRegisterValue(a, h, 160, 20)).toBe('superseded');
    expect(addRegisterValue(a, h, 160, 20)).toBe('duplicate');
    const b = createRegisterState('L');
    addRegisterValue(b, h, 160, 20);
    expect(addRegisterValue(b, h, 150, 10)).toBe('duplicate');
    expect(a.points).toEqual(b.points);
    expect(a.points[0]!.value).toBe(160);
  });

  it('reads a decrease near the top of the modulus as a wrap', () => {
    // 6-digit litre register: 995,000 → 3,000 is 1,000,000 − 995,000 + 3,000 = 8,000 L forward.
    const a = analyseRegister(stateOf([[0, 995_000], [h, 3_000], [2 * h, 10_000]]), wrap1M);
    expect(total(a.segments)).toBe(15_000);
    expect(a.segments[0]).toEqual({ from: 0, to: h, quantity: 8_000, kind: 'wrap' });
    expect(a.decreases).toEqual([{ ts: h, from: 995_000, to: 3_000, kind: 'wrap', quantity: 8_000 }]);
  });

  it('does not read a small step back as a wrap of almost the whole modulus', () => {
    // 999,990 → 999,985: forward distance 999,995 L > half the modulus → unexplained, excluded;
    // the baseline stays 999,990, so 999,995 bills 5 L and the wrap to 200 bills 1,000,000 − 999,995 + 200 = 205 L.
    const a = analyseRegister(stateOf([[0, 999_990], [h, 999_985], [2 * h, 999_995], [3 * h, 200]]), wrap1M);
    expect(a.decreases.map((d) => [d.kind, d.quantity])).toEqual([
      ['unexplained', 0],
      ['wrap', 205],
    ]);
    expect(total(a.segments)).toBe(5 + 205);
    // The 5 L span from the last accepted reading (0), not from the excluded one.
    expect(a.segments[0]).toEqual({ from: 0, to: 2 * h, quantity: 5, kind: 'increase' });
  });

  it('flags and excludes an unexplained decrease, holding the last accepted value', () => {
    // 100 → 110 (+10); 105 unexplained (0); 120 bills only above 110 (+10): 20, not 25.
    const a = analyseRegister(stateOf([[0, 100], [h, 110], [2 * h, 105], [3 * h, 120]]), noWrap);
    expect(total(a.segments)).toBe(20);
    expect(a.decreases).toEqual([{ ts: 2 * h, from: 110, to: 105, kind: 'unexplained', quantity: 0 }]);
  });

  it('bills a declared replacement as old tail + new head, even when declared after the readings', () => {
    const s = stateOf([[0, 500_000], [9 * h, 503_000], [11 * h, 2_000], [20 * h, 14_000]]);
    // Undeclared: 503,000 → 2,000 is unexplained and 14,000 stays below the held 503,000: only 3,000 L.
    expect(total(analyseRegister(s, noWrap).segments)).toBe(3_000);
    expect(addReplacement(s, { ts: 10 * h, oldFinal: 504_000, newInitial: 0 })).toBe('added');
    const a = analyseRegister(s, noWrap);
    // 3,000 (old meter) + 504,000 − 503,000 (old tail) + 2,000 − 0 (new head) + 12,000 = 18,000 L.
    expect(a.segments).toEqual([
      { from: 0, to: 9 * h, quantity: 3_000, kind: 'increase' },
      { from: 9 * h, to: 10 * h, quantity: 1_000, kind: 'replacement' },
      { from: 10 * h, to: 11 * h, quantity: 2_000, kind: 'increase' },
      { from: 11 * h, to: 20 * h, quantity: 12_000, kind: 'increase' },
    ]);
    expect(a.decreases).toEqual([{ ts: 10 * h, from: 503_000, to: 0, kind: 'replacement', quantity: 1_000 }]);
    expect(addReplacement(s, { ts: 10 * h, oldFinal: 504_000, newInitial: 0 })).toBe('duplicate');
  });

  it('bills nothing for the old meter tail when its final value is unknown', () => {
    const s = stateOf([[0, 500], [2 * h, 600], [4 * h, 50]]);
    addReplacement(s, { ts: 3 * h, oldFinal: null, newInitial: 10 });
    // 100 + (unknown tail: 0) + 50 − 10 = 140
    expect(total(analyseRegister(s, noWrap).segments)).toBe(140);
  });

  it('records from where consumption may have changed', () => {
    const s = stateOf([[0, 1], [2 * h, 2], [4 * h, 3]]);
    s.changedFrom = null;
    addRegisterValue(s, 3 * h, 2.5, 99);
    // The new reading splits the segment (2 h, 4 h]: everything from 2 h may differ.
    expect(s.changedFrom).toBe(2 * h);
  });

  it('reports stretches without readings longer than the limit', () => {
    const s = stateOf([[0, 1], [h, 2], [10 * h, 3], [11 * h, 4]]);
    expect(gapsWithin(s, 0, 24 * h, 6 * h)).toEqual([
      { from: h, to: 10 * h, open: false },
      { from: 11 * h, to: 24 * h, open: true },
    ]);
    // A window starting before the first reading: the start is an open edge.
    expect(gapsWithin(stateOf([[8 * h, 1]]), 0, 9 * h, 6 * h)).toEqual([{ from: 0, to: 8 * h, open: true }]);
  });

  it('prunes old history to an anchor without changing later consumption, then refuses older readings', () => {
    const s = stateOf([[h, 100], [2 * h, 110], [3 * h, 105], [5 * h, 130]]);
    const before = analyseRegister(s, noWrap).segments.filter((x) => x.to > 4 * h);
    pruneRegister(s, noWrap, 4 * h);
    // Baseline at 4 h is 110 (set at 2 h; 105 at 3 h was excluded): kept as the anchor.
    expect(s.points.map((p) => [p.ts, p.value])).toEqual([[2 * h, 110], [5 * h, 130]]);
    expect(analyseRegister(s, noWrap).segments).toEqual(before);
    expect(addRegisterValue(s, 3.5 * h, 120, 0)).toBe('too-late');
  });
});
