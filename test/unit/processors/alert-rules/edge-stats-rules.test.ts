import type { EdgeStats } from '../../../../core/streams/edge-statistics';
import { alertId, defaultAlertRules, parseAlertRulesConfig, type AlertEvent } from '../../../../processors/alert-rules';
import { applyEdgeStats, createEdgeRuleState, edgeRuleKey, type EdgeRuleState } from '../../../../processors/alert-rules/edge-stats-rules';
import { m, minute, summary, T0 } from './helpers';

// Rows of `summary`: [rule, state, startedAt (minutes after T0), at (minutes after T0)].
const over8 = parseAlertRulesConfig({ rules: [{ id: 'over-8', kind: 'threshold', direction: 'above', threshold: 8 }] });
const under2 = parseAlertRulesConfig({ rules: [{ id: 'under-2', kind: 'threshold', direction: 'below', threshold: 2, clearAt: 2.5 }] });
const fridgeOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[0]] }); // > 4 °C for 30 min, clears at 3.5
const riseOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[1]] }); // 2 °C within 10 min, clears below 1

function stats(meterId: string, fromMin: number, toMin: number, min: number, mean: number, max: number, count = 60): EdgeStats {
  return { meterId, kind: 'temperature', from: m(fromMin), to: m(toMin), count, min, max, mean, unit: 'degC', sector: 'kitchen', receivedAt: m(toMin) };
}

function run(all: EdgeStats[], config = over8, state?: EdgeRuleState) {
  const st = state ?? createEdgeRuleState(all[0]!.meterId);
  const events: AlertEvent[] = [];
  const statuses: string[] = [];
  for (const s of all) {
    const r = applyEdgeStats(st, s, config);
    statuses.push(r.status);
    events.push(...r.events);
  }
  return { state: st, events, statuses };
}

describe('threshold on edge statistics', () => {
  it('a summary with mean 3 °C and max 9 °C over a threshold of 8 fires (the spike inside the interval counts)', () => {
    const { events } = run([stats('f1', 0, 60, 2, 3, 9)]);
    expect(summary(events)).toEqual([['over-8', 'open', 0, 60]]);
    expect(events[0]).toMatchObject({ meterId: 'f1', ruleKind: 'threshold', severity: 'warning', alertId: alertId('f1', edgeRuleKey('over-8'), m(0)) });
    expect(events[0]!.evidence).toMatchObject({ source: 'edge-stats', threshold: 8, peak: 9, mean: 3, max: 9, count: 60 });
  });

  it('max exactly at the threshold does not fire; a max just over it does', () => {
    expect(run([stats('f1', 0, 60, 2, 3, 8)]).events).toEqual([]);
    expect(run([stats('f1', 0, 60, 2, 3, 8.01)]).events).toHaveLength(1);
  });

  it('closes only once a whole interval is back within clearAt (max ≤ threshold), endedAt = its start', () => {
    const { events } = run([stats('f1', 0, 60, 2, 3, 9), stats('f1', 60, 120, 7, 7.5, 8.5), stats('f1', 120, 180, 3, 4, 7.9)]);
    expect(summary(events)).toEqual([
      ['over-8', 'open', 0, 60],
      ['over-8', 'closed', 0, 180],
    ]);
    expect(events[1]!.endedAt).toBe(m(120));
    expect(events[1]!.evidence).toMatchObject({ peak: 9 });
  });

  it('"below" uses the min: a dip inside the interval counts, clears at min ≥ clearAt', () => {
    const { events } = run([stats('f1', 0, 60, 1.5, 3, 4), stats('f1', 60, 120, 2.2, 3, 4), stats('f1', 120, 180, 2.5, 3, 4)], under2);
    expect(summary(events)).toEqual([
      ['under-2', 'open', 0, 60],
      ['under-2', 'closed', 0, 180],
    ]);
    expect(events[0]!.evidence).toMatchObject({ peak: 1.5 });
  });

  it('forMinutes counts contiguous breaching intervals: two 15-min summaries over 4 °C open the 30-min fridge rule at the end of the second', () => {
    const { events } = run([stats('f1', 0, 15, 3, 3.5, 5), stats('f1', 15, 30, 3.6, 4.2, 4.6), stats('f1', 30, 45, 3, 3.2, 3.4)], fridgeOnly);
    expect(summary(events)).toEqual([
      ['fridge-too-warm', 'open', 0, 30],
      ['fridge-too-warm', 'closed', 0, 45],
    ]);
    expect(events[0]!.evidence).toMatchObject({ peak: 5, forMinutes: 30 });
  });

  it('a gap between intervals restarts the run: 15 + 15 min of breach with a hole between does not make 30', () => {
    expect(run([stats('f1', 0, 15, 3, 3.5, 5), stats('f1', 20, 35, 3, 3.5, 5)], fridgeOnly).events).toEqual([]);
  });

  it('a 15-min defrost spike in one 15-min summary is ridden out by the 30-min delay', () => {
    expect(run([stats('f1', 0, 15, 3, 3.5, 6), stats('f1', 15, 30, 3, 3.2, 3.9)], fridgeOnly).events).toEqual([]);
  });
});

describe('rate of rise on edge statistics (means of consecutive intervals)', () => {
  it('5-min summaries whose mean rises 3 → 4.5 °C: 1.5 °C per 5 min = 3 °C per 10 min ≥ 2 opens at the first midpoint', () => {
    const { events } = run([stats('f1', 0, 5, 2.9, 3, 3.1), stats('f1', 5, 10, 4, 4.5, 5)], riseOnly);
    expect(summary(events)).toEqual([['temperature-rising-fast', 'open', 2.5, 10]]);
    expect(events[0]!.evidence).toMatchObject({ rise: 3, ratePerMinute: 0.3, fromMean: 3, toMean: 4.5, threshold: 2, windowMinutes: 10 });
  });

  it('closes when the rate over the window falls below half the rise (4.5 → 4.8: 0.6 per 10 min < 1)', () => {
    const { events } = run([stats('f1', 0, 5, 2.9, 3, 3.1), stats('f1', 5, 10, 4, 4.5, 5), stats('f1', 10, 15, 4.6, 4.8, 5)], riseOnly);
    expect(summary(events)).toEqual([
      ['temperature-rising-fast', 'open', 2.5, 10],
      ['temperature-rising-fast', 'closed', 2.5, 15],
    ]);
    expect(events[1]!.endedAt).toBe(m(12.5));
  });

  it('hourly means 3 → 9 °C are a rise of 1 °C per 10 min: no alert (a slow rise, e.g. a power cut)', () => {
    expect(run([stats('f1', 0, 60, 2, 3, 4), stats('f1', 60, 120, 8, 9, 10)], riseOnly).events).toEqual([]);
  });

  it('uses the means, not the max: a spike with a flat mean does not open', () => {
    expect(run([stats('f1', 0, 5, 2.9, 3, 3.1), stats('f1', 5, 10, 2.8, 3.1, 9)], riseOnly).events).toEqual([]);
  });

  it('the first summary of a meter has no predecessor: nothing to compare', () => {
    expect(run([stats('f1', 0, 5, 2.9, 30, 31)], riseOnly).events).toEqual([]);
  });
});

describe('order, duplicates and replays', () => {
  const both = parseAlertRulesConfig({ rules: [{ id: 'over-8', kind: 'threshold', threshold: 8 }, defaultAlertRules[1]] });
  const series = (meterId: string) => [stats(meterId, 0, 5, 2, 3, 9), stats(meterId, 5, 10, 4, 5.5, 7), stats(meterId, 10, 15, 5, 5.6, 7.5)];

  it('a resent summary (same start) is a duplicate and changes nothing', () => {
    const once = run(series('f1'), both);
    const twice = run([...series('f1'), series('f1')[2]!], both);
    expect(twice.events).toEqual(once.events);
    expect(twice.statuses).toEqual(['accepted', 'accepted', 'accepted', 'duplicate']);
  });

  it('a summary starting before the end of the last applied one is late: left out, counted', () => {
    const { events, statuses, state } = run([stats('f1', 5, 10, 2, 3, 4), stats('f1', 0, 5, 2, 3, 9)], both);
    expect(statuses).toEqual(['accepted', 'late']);
    expect(events).toEqual([]);
    expect(state.dropped).toEqual({ duplicate: 0, late: 1 });
  });

  it('a replay from a fresh state gives the same events, ids and event times; interleaving meters changes nothing per meter', () => {
    const a = run(series('f1'), both).events;
    expect(a.map((e) => [e.ruleKind, e.state])).toEqual([
      ['threshold', 'open'],
      ['threshold', 'closed'],
      ['rate-of-rise', 'open'],
      ['rate-of-rise', 'closed'],
    ]);
    expect(run(series('f1'), both).events).toEqual(a);
    // Two meters, interleaved in both orders: each meter's events are its own series' events.
    const states = { f1: createEdgeRuleState('f1'), f2: createEdgeRuleState('f2') };
    const out: AlertEvent[] = [];
    const s1 = series('f1');
    const s2 = series('f2');
    for (const s of [s2[0]!, s1[0]!, s1[1]!, s2[1]!, s2[2]!, s1[2]!]) out.push(...applyEdgeStats(states[s.meterId as 'f1' | 'f2'], s, both).events);
    expect(out.filter((e) => e.meterId === 'f1')).toEqual(a);
    expect(out.filter((e) => e.meterId === 'f2')).toEqual(run(series('f2'), both).events);
    expect(new Set(out.map((e) => e.alertId)).size).toBe(4);
  });

  it('an alert id on summaries differs from the same rule on readings of the same meter and start', () => {
    const { events } = run([stats('f1', 0, 60, 2, 3, 9)]);
    expect(events[0]!.alertId).not.toBe(alertId('f1', 'over-8', T0));
    expect((events[0]!.at - T0) / minute).toBe(60);
  });
});
