import { defaultAlertRules, parseAlertRulesConfig } from '../../../../processors/alert-rules';
import { drive, m, minute, perMinute, reading, summary } from './helpers';

// Rows of `summary`: [rule, state, startedAt (minutes after T0), at (minutes after T0)].
const fridgeOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[0]] });
const riseOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[1]] });

describe('threshold with duration and hysteresis (fridge ≤ 4 °C, 30 min delay, clears at 3.5 °C)', () => {
  // min 0–60: 3 °C; 60–80: a 20-min defrost at 6 °C (shorter than the 30-min delay: no alert);
  // 80–120: 3 °C; 120–180: 5 °C (a failing fridge); 180–210: 3.8 °C (below 4 but above the 3.5
  // clear level: still open); 210–240: 3 °C.
  // Expected: open at 150 (breach began at 120 + 30), closed at 210 (first value ≤ 3.5).
  const temp = (k: number) => (k >= 60 && k < 80 ? 6 : k >= 120 && k < 180 ? 5 : k >= 180 && k < 210 ? 3.8 : 3);

  it('rides out the defrost, opens after 30 min, and stays open above the clear level', () => {
    const { events } = drive(perMinute('t1', 0, 240, temp), fridgeOnly);
    expect(summary(events)).toEqual([
      ['fridge-too-warm', 'open', 120, 150],
      ['fridge-too-warm', 'closed', 120, 210],
    ]);
    expect(events[0]!.evidence).toMatchObject({ threshold: 4, clearAt: 3.5, forMinutes: 30, peak: 5 });
    expect(events[1]!.endedAt).toBe(m(210));
    expect(events[1]!.alertId).toBe(events[0]!.alertId);
  });

  it('a value flapping around the threshold never holds for 30 min, so never opens', () => {
    const { events } = drive(perMinute('t1', 0, 120, (k) => (k % 2 === 0 ? 4.1 : 3.9)), fridgeOnly);
    expect(events).toEqual([]);
  });

  it('opens on the watermark alone when no reading follows (the last value holds)', () => {
    // 5 °C from minute 0 to 10, then nothing; another meter moves the watermark to minute 29, then 30.
    const { state, events } = drive(perMinute('t1', 0, 10, () => 5), fridgeOnly, { finalWatermark: m(29) });
    expect(events).toEqual([]);
    const { events: later } = drive([], fridgeOnly, { state, finalWatermark: m(30) });
    expect(summary(later)).toEqual([['fridge-too-warm', 'open', 0, 30]]);
  });

  it('a freezer sector overrides the threshold (−18 °C)', () => {
    const config = parseAlertRulesConfig({ rules: [defaultAlertRules[0]], overrides: { sectors: { freezers: { 'fridge-too-warm': { threshold: -18, clearAt: -19 } } } } });
    const freezer = perMinute('f1', 0, 40, () => -15).map((r) => ({ ...r, sector: 'freezers' }));
    expect(summary(drive(freezer, config).events)).toEqual([['fridge-too-warm', 'open', 0, 30]]);
    // The same temperatures in a kitchen fridge sector: −15 °C is below 4 °C, nothing.
    expect(drive(perMinute('f2', 0, 40, () => -15), config).events).toEqual([]);
  });

  it('does not apply to water meters (appliesTo kinds: temperature)', () => {
    const water = perMinute('w1', 0, 60, () => 9).map((r) => ({ ...r, kind: 'water' as const }));
    expect(drive(water, fridgeOnly).events).toEqual([]);
  });
});

describe('rate of rise (2 °C within 10 min)', () => {
  // 3 °C until minute 10, then +0.25 °C/min to 5 °C at minute 18, then flat.
  // At minute 18 the window [8, 18] has its lowest value 3 °C (latest at minute 10): rise 2 → open,
  // startedAt 10. It closes when the rise over the window falls below 1 °C: at minute 25 the
  // window [15, 25] starts at 4.25 → rise 0.75; at minute 24 the window [14, 24] starts at 4.0 → rise 1.0.
  const fast = (k: number) => (k <= 10 ? 3 : k <= 18 ? 3 + 0.25 * (k - 10) : 5);

  it('opens on a fast rise (door open) and closes once it levels off', () => {
    const { events } = drive(perMinute('t1', 0, 40, fast), riseOnly);
    expect(summary(events)).toEqual([
      ['temperature-rising-fast', 'open', 10, 18],
      ['temperature-rising-fast', 'closed', 10, 25],
    ]);
    expect(events[0]!.evidence).toMatchObject({ rise: 2, fromValue: 3, toValue: 5, windowMinutes: 10 });
  });

  it('a slow rise (power cut: 0.1 °C/min, 1 °C per 10 min) does not fire', () => {
    expect(drive(perMinute('t1', 0, 60, (k) => 3 + 0.1 * k), riseOnly).events).toEqual([]);
  });

  it('keeps its window bounded', () => {
    const { state } = drive(perMinute('t1', 0, 600, (k) => 3 + Math.sin(k / 7)), riseOnly);
    expect(state.rise['temperature-rising-fast']!.minima.length).toBeLessThanOrEqual(11);
  });
});

describe('disorder and replay', () => {
  const config = parseAlertRulesConfig();
  const temp = (k: number) => (k >= 60 && k < 80 ? 6 : k >= 120 && k < 180 ? 5 : k >= 180 && k < 210 ? 3.8 : 3);
  const sorted = perMinute('t1', 0, 240, temp);
  const byTime = (a: { at: number; alertId: string; state: string }, b: typeof a) => a.at - b.at || a.alertId.localeCompare(b.alertId) || a.state.localeCompare(b.state);

  it('out-of-order readings within the lateness give the same alerts as sorted input', () => {
    const shuffled = [];
    for (let i = 0; i < sorted.length; i += 5) shuffled.push(...sorted.slice(i, i + 5).reverse());
    const a = drive(sorted, config, { latenessMs: 6 * minute, finalWatermark: m(240) }).events.sort(byTime);
    const b = drive(shuffled, config, { latenessMs: 6 * minute, finalWatermark: m(240) }).events.sort(byTime);
    // With the default rules: the 3 → 6 °C jump at minute 60 is a fast rise (open 60, from the
    // 3 °C at 59; closes at 70 when the window [60, 70] holds only 6 °C); again at 120 (3 → 5,
    // closes 130); the fridge threshold as above. Silent-meter: readings every minute, none.
    expect(summary(a)).toEqual([
      ['temperature-rising-fast', 'open', 59, 60],
      ['temperature-rising-fast', 'closed', 59, 70],
      ['temperature-rising-fast', 'open', 119, 120],
      ['temperature-rising-fast', 'closed', 119, 130],
      ['fridge-too-warm', 'open', 120, 150],
      ['fridge-too-warm', 'closed', 120, 210],
    ]);
    expect(b).toEqual(a);
  });

  it('a replay gives the same ids, and a JSON checkpoint resumes identically', () => {
    const first = drive(sorted, config).events;
    expect(drive(sorted, config).events).toEqual(first);
    const half = drive(sorted.slice(0, 130), config);
    const rest = drive(sorted.slice(130), config, { state: JSON.parse(JSON.stringify(half.state)) });
    expect([...half.events, ...rest.events]).toEqual(first);
  });

  it('a duplicate reading is reported and changes nothing', () => {
    const dup = sorted.flatMap((r) => [r, r]);
    expect(drive(dup, config).events).toEqual(drive(sorted, config).events);
    expect(drive([reading('t1', m(0), 3), reading('t1', m(0), 3)], config).state.dropped.duplicate).toBe(1);
  });
});
