import type { Reading } from '../../../../core/contracts';
import type { AlertEvent } from '../../../../core/streams/alerts';
import { advanceWatermark, applyReading, createLeakState, generateScenarioFleet, parseLeakConfig, scoreAlerts, type LeakState } from '../../../../processors/leak-detection';
import { byTime, hour, minute } from './helpers';

/** One partition's worth of driving: per-meter state, watermark = max event time − lateness. */
function runFleet(readings: Reading[], configInput: unknown, latenessMs: number, end: number) {
  const config = parseLeakConfig(configInput);
  const states = new Map<string, LeakState>();
  const events: AlertEvent[] = [];
  let maxTs = -Infinity;
  for (const r of readings) {
    let s = states.get(r.meterId);
    if (!s) states.set(r.meterId, (s = createLeakState(r.meterId, r.sector)));
    events.push(...applyReading(s, r, config).events);
    maxTs = Math.max(maxTs, r.ts);
    events.push(...advanceWatermark(s, maxTs - latenessMs, config));
  }
  for (const s of states.values()) events.push(...advanceWatermark(s, end, config));
  return { events, states };
}

describe('simulated fleet with injected leaks, bursts and night flow', () => {
  const fleet = generateScenarioFleet({ seed: 42 });

  it('is deterministic and labelled', () => {
    const again = generateScenarioFleet({ seed: 42 });
    expect(again.readings).toEqual(fleet.readings);
    expect(again.labels).toEqual(fleet.labels);
    expect(fleet.labels.filter((l) => l.kind === 'none')).toHaveLength(20);
    expect(fleet.labels.filter((l) => l.injectedAt !== null)).toHaveLength(18);
    expect(generateScenarioFleet({ seed: 43 }).readings).not.toEqual(fleet.readings);
  });

  it('detects every injected fault within its rule latency and raises nothing on leak-free meters', () => {
    const { events, states } = runFleet(fleet.readings, fleet.leakConfigInput, 0, fleet.end);
    const score = scoreAlerts(fleet.labels, events);
    // Reported for the issue: precision and recall over this fleet.
    console.log(`scenario fleet seed 42: ${score.detected}/${score.injected} detected, ${score.truePositives} true / ${score.falsePositives.length} false alerts, precision ${score.precision}, recall ${score.recall}`);
    expect(score.missed).toEqual([]);
    expect(score.falsePositives).toEqual([]);
    expect(score.recall).toBe(1);
    expect(score.precision).toBe(1);
    // Latency bounds by rule (event time): a burst opens 30 min after its start (earlier when a
    // shower already ran above the threshold; up to one 15-min register interval for register-only
    // meters), a continuous leak ≤ 25 h, night flow ≤ 27 h.
    for (const l of fleet.labels.filter((x) => x.kind === 'burst')) expect(score.latencyMs[l.meterId]).toBeLessThanOrEqual(30 * minute + l.reportingIntervalMs);
    // A continuous leak opens 24 h (to the next hour end) after the last quiet hour, which ended
    // at or before the leak began: by day a household may have had no quiet hour for a while, so
    // the latency after the injection can be under 24 h, never over 25 h.
    for (const l of fleet.labels.filter((x) => x.kind === 'continuous-leak')) {
      const open = events.find((e) => e.meterId === l.meterId && e.rule === 'continuous-flow' && e.state === 'open')!;
      expect(open.startedAt).toBeLessThanOrEqual(l.injectedAt!);
      expect(open.at - open.startedAt).toBeGreaterThanOrEqual(24 * hour);
      expect(open.at - open.startedAt).toBeLessThan(25 * hour);
      expect(score.latencyMs[l.meterId]).toBeLessThanOrEqual(25 * hour + l.reportingIntervalMs);
    }
    const bytes = [...states.values()].map((s) => JSON.stringify(s).length);
    console.log(`leak state per meter after 3 days: max ${Math.max(...bytes)} B, mean ${Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length)} B`);
  });

  it('gives the same alerts when readings arrive out of order within the allowed lateness', () => {
    const sorted = runFleet(fleet.readings, fleet.leakConfigInput, 10 * minute, fleet.end).events.sort(byTime);
    // Reverse blocks of 200 records of the merged stream (38 meters → about 5 minutes of event time).
    const shuffled: Reading[] = [];
    for (let i = 0; i < fleet.readings.length; i += 200) shuffled.push(...fleet.readings.slice(i, i + 200).reverse());
    const disordered = runFleet(shuffled, fleet.leakConfigInput, 10 * minute, fleet.end).events.sort(byTime);
    expect(sorted.length).toBeGreaterThanOrEqual(18);
    expect(disordered).toEqual(sorted);
  });
});
