import type { Reading } from '../../../../core/contracts';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { applyRuleInput, maxPendingSamples } from '../../../../processors/alert-rules/rule-engine';
import { createRuleState } from '../../../../processors/alert-rules/rule-state';
import { createRollingAverages } from '../../../../processors/rolling-averages/rolling-averages';
import { parseSlidingWindows, parseTumblingWindows } from '../../../../processors/rolling-averages/window-specs';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

// Per-key state has a bound by construction, whatever one meter sends.
const T0 = Date.parse('2026-05-01T00:00:00Z');
const min = 60_000;
const reading = (ts: number, value: number, receivedAt = ts): Reading => ({ meterId: 'flood', kind: 'water', ts, value, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: 's', receivedAt });

describe('bounded per-key state under a hostile meter', () => {
  it('rule engine: samples held awaiting the watermark never exceed maxPendingSamples', () => {
    const state = createRuleState('flood', 's');
    const config = parseAlertRulesConfig({ rules: [{ id: 'hot', kind: 'threshold', threshold: 100 }] });
    // 5,000 readings 10 ms apart, all ahead of any watermark (none is ever passed in).
    for (let i = 0; i < 5000; i += 1) applyRuleInput(state, { type: 'reading', reading: reading(T0 + i * 10, 1) }, config);
    expect(state.pending.length).toBe(maxPendingSamples);
    expect(state.frontier).toBe(T0 + (5000 - maxPendingSamples - 1) * 10);
  });

  it('rolling averages: one meter spraying event times over 10 hours and up to 10 min into the future holds at most (size + lateness + future) / hop + 2 buckets', () => {
    const p = createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m'), tumbling: parseTumblingWindows('1m'), timeZone: 'UTC' });
    const driver = createTestDriver(p, { allowedLatenessMs: 2 * min });
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let maxBuckets = { '15m': 0, '1h': 0, sector: 0 };
    for (let i = 0; i < 6000; i += 1) {
      const now = T0 + i * 6000; // receive clock: 10 hours
      const ts = now - 60 * min + rnd() * 70 * min; // anywhere from 1 h back to 10 min ahead
      driver.pipe(reading(Math.round(ts), 1, now));
      if (i % 50 === 0) {
        const meter = JSON.parse(JSON.stringify(driver.task.takeDirty())) as { key: string; entry: { state: { sliding?: Record<string, { buckets: object }>; tumbling?: Record<string, { buckets: object }> } } }[];
        for (const { key, entry } of meter) {
          if (key === 'meter:flood') {
            maxBuckets['15m'] = Math.max(maxBuckets['15m'], Object.keys(entry.state.sliding!['15m']!.buckets).length);
            maxBuckets['1h'] = Math.max(maxBuckets['1h'], Object.keys(entry.state.sliding!['1h']!.buckets).length);
          } else if (key === 'sector:s') maxBuckets = { ...maxBuckets, sector: Math.max(maxBuckets.sector, Object.keys(entry.state.tumbling!['1m']!.buckets).length) };
        }
      }
    }
    // 15m/5m: (15 + 2 + 10) / 5 + 2 = 7; 1h/15m: (60 + 2 + 10) / 15 + 2 = 6; 1m: (2 + 10) / 1 + 2 = 14.
    expect(maxBuckets['15m']).toBeLessThanOrEqual(7);
    expect(maxBuckets['1h']).toBeLessThanOrEqual(6);
    expect(maxBuckets.sector).toBeLessThanOrEqual(14);
    expect(maxBuckets['15m']).toBeGreaterThan(0);
  });
});
