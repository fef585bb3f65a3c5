import { mqttTopics, parseDeviceMessage } from '../../../core/contracts';
import { createRandom } from '../../../core/seeded-random';
import { createEdgeSummarizer, parseEdgeStatsInterval } from '../../../load-tests/simulator/edge-summarizer';
import { createFridgeThermometer } from '../../../load-tests/simulator/temperature-profile';

const minute = 60_000;
const T0 = Date.parse('2026-07-01T00:00:00Z');
const r = (k: number, value: number) => ({ kind: 'temperature' as const, ts: T0 + k * minute, value, sector: 'kitchen' });

describe('edge summarizer', () => {
  it('summarises aligned 5-min intervals by hand: 3, 4, 9, 2, 7 → count 5, min 2, max 9, mean 5', () => {
    const s = createEdgeSummarizer(5 * minute);
    expect([3, 4, 9, 2, 7].map((v, k) => s.add(r(k, v)))).toEqual([null, null, null, null, null]);
    // The first sample of the next interval completes it.
    expect(s.add(r(5, 3))).toEqual({ kind: 'temperature', from: T0, to: T0 + 5 * minute, count: 5, min: 2, max: 9, mean: 5, sector: 'kitchen' });
    expect(s.flush()).toMatchObject({ from: T0 + 5 * minute, count: 1, min: 3, max: 3, mean: 3 });
    expect(s.flush()).toBeNull();
  });

  it('parses --edge-stats intervals and names the flag when one is wrong', () => {
    expect([parseEdgeStatsInterval('30s'), parseEdgeStatsInterval('5m'), parseEdgeStatsInterval('1h')]).toEqual([30_000, 300_000, 3_600_000]);
    expect(() => parseEdgeStatsInterval('5')).toThrow(/--edge-stats: "5"/);
    expect(() => parseEdgeStatsInterval('0s')).toThrow(/--edge-stats/);
  });
});

describe('fridge thermometer profile', () => {
  const day = (options = {}) => {
    const fridge = createFridgeThermometer('f-1', 'kitchen', createRandom(3), { doorOpenPerMinute: 0, ...options });
    return Array.from({ length: 24 * 60 }, (_, k) => fridge.next(T0 + k * minute, minute).value!);
  };

  it('oscillates around 3.5 °C within the compressor cycle when nothing happens', () => {
    const values = day();
    expect(Math.min(...values)).toBeGreaterThan(2.6);
    expect(Math.max(...values)).toBeLessThan(4.4);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1.4);
  });

  it('door openings give short spikes; a failure ramps up from its instant', () => {
    expect(Math.max(...day({ doorOpenPerMinute: 0.01 }))).toBeGreaterThan(6);
    const failing = day({ failureAtTs: T0 + 60 * minute });
    expect(Math.max(...failing.slice(0, 60))).toBeLessThan(4.4);
    // 0.15 °C/min: 60 min after the failure the fridge is at least 9 °C warmer than its cycle allows.
    expect(failing[120]!).toBeGreaterThan(2.6 + 9);
  });

  it('its summaries are what the bridge accepts (min ≤ mean ≤ max, count, interval)', () => {
    const fridge = createFridgeThermometer('f-1', 'kitchen', createRandom(5), { doorOpenPerMinute: 0.05 });
    const s = createEdgeSummarizer(15 * minute);
    const receivedAt = T0 + 25 * 60 * minute;
    let accepted = 0;
    for (let k = 0; k < 24 * 60; k++) {
      const stats = s.add(fridge.next(T0 + k * minute, minute));
      if (!stats) continue;
      const result = parseDeviceMessage(mqttTopics.edgeStats('f-1'), Buffer.from(JSON.stringify(stats)), receivedAt, { maxPayloadBytes: 4096, maxBatchReadings: 1, maxPastMs: 2 * 86_400_000, maxFutureMs: 60_000 });
      expect(result.rejections).toEqual([]);
      expect(result.edgeStats[0]!.count).toBe(15);
      accepted += 1;
    }
    expect(accepted).toBe(24 * 4 - 1);
  });
});
