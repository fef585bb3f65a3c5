import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import type { GroupState } from '../../../../processors/alert-rules/group-average-rule';
import { compareWindow, selectMembers, trimmedMean, type MeterWindow, type RegistryEntry } from '../../../../processors/group-comparison/group-statistics';

// One meter must not raise alerts on the others. Five honest meters of sector
// "north" with hour means 0.8, 0.9, 1.0, 1.1, 1.2 L/min (sum 5.0), and one hostile meter.
const rules = parseAlertRulesConfig({
  rules: [
    { id: 'above-sector-average', kind: 'above-group-average', scope: 'sector', factor: 2, minGroupSize: 3 },
    { id: 'above-fleet-average', kind: 'above-group-average', scope: 'fleet', factor: 2, minGroupSize: 3 },
  ],
});
const hour = { windowStart: 0, windowEnd: 3_600_000 };
const honestMeans = [0.8, 0.9, 1.0, 1.1, 1.2];
const honest: MeterWindow[] = honestMeans.map((mean, i) => ({ meterId: `h${i}`, sector: 'north', mean, min: mean / 2, max: mean * 2 }));
const registered = new Map<string, RegistryEntry>(honest.map((h) => [h.meterId, { sector: 'north', kind: 'water' }]));
const alertsOn = (windows: MeterWindow[], registry = registered) => {
  const groups: Record<string, GroupState> = {};
  const { events, excluded } = compareWindow(groups, hour, windows, registry, rules);
  return { meters: [...new Set(events.map((e) => e.meterId))].sort(), events, excluded };
};

describe('group statistics robust to one meter', () => {
  it('trimmed mean: k = max(1, floor(n/4)) dropped at each end (hand-worked)', () => {
    expect(trimmedMean([0.8, 0.9, 1.0, 1.1, 1.2])).toBeCloseTo(1.0, 12); // n=5, k=1: (0.9+1.0+1.1)/3
    expect(trimmedMean([0.8, 0.9, 1.0, 1.1, 1.2, 9000])).toBeCloseTo(1.05, 12); // n=6, k=1: (0.9+1.0+1.1+1.2)/4
    expect(trimmedMean([5, 1, 3])).toBe(3); // n=3: the median
    expect(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 1e9])).toBeCloseTo(5, 12); // n=9, k=2: (3+4+5+6+7)/5
    expect(trimmedMean([2, 4])).toBe(3); // n<3: plain mean
  });

  it('a hostile meter reporting negative flow (which would pull the plain mean to 0.083 and put every honest meter at 9.6-14.4× it) is left out: no alert at all', () => {
    const hostile: MeterWindow = { meterId: 'evil', sector: 'north', mean: -4.5, min: -9, max: 0 };
    // Plain mean (5.0 - 4.5) / 6 = 0.0833: every honest meter would exceed 2×.
    const { meters, excluded } = alertsOn([...honest, hostile]);
    expect(meters).toEqual([]);
    expect(excluded).toEqual([{ meterId: 'evil', reason: 'negative' }]);
  });

  it('a window with a negative instant is left out even when its mean is positive', () => {
    const { excluded } = alertsOn([...honest, { meterId: 'evil', sector: 'north', mean: 0.01, min: -50, max: 30 }]);
    expect(excluded).toEqual([{ meterId: 'evil', reason: 'negative' }]);
  });

  it('a huge value (1e9 L/min, or not finite) is implausible and left out', () => {
    const { meters, excluded } = alertsOn([...honest, { meterId: 'evil', sector: 'north', mean: 1e9, min: 1e9, max: 1e9 }, { meterId: 'inf', sector: 'north', mean: 5, min: 0, max: Infinity }]);
    expect(meters).toEqual([]);
    expect(excluded.map((x) => [x.meterId, x.reason])).toEqual([['evil', 'implausible'], ['inf', 'implausible']]);
  });

  it('a large but plausible value is trimmed: the sector average stays 1.05 L/min, only the hostile meter is flagged', () => {
    const { events } = alertsOn([...honest, { meterId: 'evil', sector: 'north', mean: 9000, min: 8000, max: 10000 }]);
    expect(events.map((e) => [e.meterId, e.rule, e.state])).toEqual([
      ['evil', 'above-fleet-average', 'open'],
      ['evil', 'above-sector-average', 'open'],
    ]);
    const sector = events.find((e) => e.rule === 'above-sector-average')!;
    // 1.05 L/min × 60 min = 63 L per meter; 9000 × 60 = 540,000 L.
    expect(sector.evidence).toMatchObject({ groupAverage: 63, consumption: 540_000, meterCount: 6 });
  });

  it('a registered meter claiming another sector in its payload is counted in its registry sector', () => {
    // Registered in "south" with two south neighbours; its payload says "north". Low flow: in
    // north it would not matter, but in south it is compared with south's average.
    const registry = new Map(registered);
    registry.set('evil', { sector: 'south', kind: 'water' });
    registry.set('s1', { sector: 'south', kind: 'water' });
    registry.set('s2', { sector: 'south', kind: 'water' });
    const { members } = selectMembers([...honest, { meterId: 'evil', sector: 'north', mean: 1, min: 1, max: 1 }, { meterId: 's1', sector: null, mean: 1, min: 1, max: 1 }, { meterId: 's2', sector: 'south', mean: 1, min: 1, max: 1 }], registry);
    expect(members.filter((m) => m.sector === 'north').map((m) => m.meterId)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(members.filter((m) => m.sector === 'south').map((m) => m.meterId)).toEqual(['evil', 's1', 's2']);
  });

  it('an unregistered meter keeps its payload sector; a registered one with no sector joins only the fleet; temperature meters are not compared', () => {
    const registry = new Map(registered);
    registry.set('nosector', { sector: null, kind: 'water' });
    registry.set('fridge', { sector: 'north', kind: 'temperature' });
    const { members, excluded } = selectMembers([{ meterId: 'new', sector: 'east', mean: 1, min: 1, max: 1 }, { meterId: 'nosector', sector: 'north', mean: 1, min: 1, max: 1 }, { meterId: 'fridge', sector: 'north', mean: -18, min: -19, max: -17 }], registry);
    expect(members.map((m) => [m.meterId, m.sector])).toEqual([['new', 'east'], ['nosector', null]]);
    expect(excluded).toEqual([{ meterId: 'fridge', reason: 'not-consumption' }]);
  });

  it('the honest heavy user is still found: 5 × 1 L/min and one at 6 L/min (trimmed average 1 L/min, ratio 6)', () => {
    const windows: MeterWindow[] = [0, 1, 2, 3, 4].map((i) => ({ meterId: `m${i}`, sector: 'north', mean: 1, min: 1, max: 1 }));
    const { events } = alertsOn([...windows, { meterId: 'heavy', sector: 'north', mean: 6, min: 6, max: 6 }], new Map());
    expect(events.map((e) => [e.meterId, e.rule, (e.evidence as { ratio: number }).ratio])).toEqual([
      ['heavy', 'above-fleet-average', 6],
      ['heavy', 'above-sector-average', 6],
    ]);
  });
});
