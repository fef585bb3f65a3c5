import type { LoadTest } from '../../../../load-tests/runner/load-test';
import { renderJsonLines } from '../../../../load-tests/runner/json-output';
import { formatProgressLine } from '../../../../load-tests/runner/progress-line';
import { runLoadTest } from '../../../../load-tests/runner/run-load-test';
import { formatTime } from '../../../../load-tests/runner/format-values';
import { renderSummaryText } from '../../../../load-tests/runner/summary-text';
import { createVirtualClock } from '../../../../load-tests/runner/virtual-clock';

/** 2 s at 10/s; each iteration's puback latency is 1..20 ms, every 5th "stored" check fails. */
async function runSample() {
  const clock = createVirtualClock();
  let n = 0;
  let cpu = 0;
  const test: LoadTest = {
    name: 'sample',
    description: 'summary shape',
    options: {
      scenarios: { steady: { executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '2s', preAllocatedVUs: 1 } },
      thresholds: {
        mqtt_puback_latency: ['p(99)<500', 'p(99.9)<1'],
        'mqtt_puback_latency{kind:water}': ['max<100'],
        checks: ['rate>0.5'],
        readings_lost: ['count==0'],
      },
      tags: { run: 'x' },
    },
    vus: {
      v: async (ctx) => ({
        iteration: async () => {
          n += 1;
          ctx.metrics.add('mqtt_puback_latency', n, { kind: n % 2 ? 'water' : 'electricity' });
          ctx.check({ published: true, stored: n % 5 !== 0 });
        },
        close: async () => {},
      }),
    },
    teardown: async ({ metrics, findings }) => {
      metrics.add('readings_lost', 0);
      findings!.maxRate = 10;
    },
  };
  const lines: string[] = [];
  const result = await runLoadTest(test, {
    clock,
    log: () => {},
    onProgress: (l) => lines.push(l),
    // 0.3 s of CPU per second of wall time
    cpuUsage: () => ({ user: (cpu = clock.now() * 300), system: 0 }),
  });
  void cpu;
  return { result, lines };
}

describe('summary data (k6 handleSummary shape)', () => {
  it('has k6 values keys per type and thresholds[expression].ok', async () => {
    const { result } = await runSample();
    const m = result.summary.metrics;
    expect(Object.keys(m.mqtt_puback_latency!.values).sort()).toEqual(['avg', 'count', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'].sort());
    expect(m.mqtt_puback_latency!.contains).toBe('time');
    expect(m.mqtt_puback_latency!.thresholds).toEqual({ 'p(99)<500': { ok: true }, 'p(99.9)<1': { ok: false } });
    expect(Object.keys(m.iterations!.values).sort()).toEqual(['count', 'rate']);
    expect(m.iterations!.values.count).toBe(20);
    expect(m.iterations!.values.rate).toBeCloseTo(10, 6);
    expect(Object.keys(m.checks!.values).sort()).toEqual(['fails', 'passes', 'rate']);
    expect(m.checks!.values).toEqual({ rate: 36 / 40, passes: 36, fails: 4 });
    expect(Object.keys(m.vus!.values).sort()).toEqual(['max', 'min', 'value']);
    expect(m['mqtt_puback_latency{kind:water}']!.values.max).toBe(19);
    expect(m['mqtt_puback_latency{kind:water}']!.thresholds).toEqual({ 'max<100': { ok: true } });
    expect(m.readings_lost!.thresholds).toEqual({ 'count==0': { ok: true } });
    expect(m.generator_cpu!.values.value).toBeCloseTo(0.3, 6);
    expect(result.summary.root_group.checks).toEqual([
      { name: 'published', path: '::published', id: expect.stringMatching(/^[0-9a-f]{32}$/), passes: 20, fails: 0 },
      { name: 'stored', path: '::stored', id: expect.stringMatching(/^[0-9a-f]{32}$/), passes: 16, fails: 4 },
    ]);
    expect(result.summary.meterflow).toMatchObject({ test: 'sample', aborted: null, thresholdsFailed: ['mqtt_puback_latency: p(99.9)<1'], findings: { maxRate: 10 } });
    expect(result.summary.state.testRunDurationMs).toBe(2000);
  });

  it('has a time bucket per second with the bucket’s own figures', async () => {
    const { result, lines } = await runSample();
    const [b0, b1] = result.series;
    expect(b0).toMatchObject({ t: 0, ms: 1000 });
    expect(b0!.metrics.iterations).toEqual({ count: 10, rate: 10 });
    expect(b0!.metrics.mqtt_puback_latency).toMatchObject({ count: 10, max: 10 });
    expect(b1!.metrics.mqtt_puback_latency).toMatchObject({ count: 10, max: 20 });
    expect(b0!.metrics['mqtt_puback_latency{kind:water}']).toMatchObject({ count: 5, max: 9 });
    expect(result.series.at(-1)!.metrics.readings_lost).toEqual({ count: 0, rate: expect.any(Number) }); // teardown's bucket
    expect(lines[0]).toBe('running (0m01.0s/0m02.0s), 00/01 VUs, 10 iterations (10.0/s), dropped 0, p99 puback 10ms, generator CPU 30%');
    const json = renderJsonLines(result).map((l) => JSON.parse(l) as { type: string; metric: string; data: { time: string; value: number; tags: Record<string, string> } });
    const water = json.find((j) => j.type === 'Point' && j.metric === 'mqtt_puback_latency' && j.data.tags.kind === 'water' && j.data.tags.stat === 'max');
    expect(water?.data).toEqual({ time: result.summary.meterflow.startedAt, value: 9, tags: { kind: 'water', stat: 'max', bucket_ms: '1000' } });
  });
});

describe('summary text', () => {
  it("k6's layout: ✓ for a held threshold, ✗ for a failed one, checks with their share", async () => {
    const { result } = await runSample();
    const text = renderSummaryText(result.summary);
    expect(text).toContain('█ THRESHOLDS');
    expect(text).toContain("    ✓ 'p(99)<500' p(99)=20ms");
    expect(text).toMatch(/ {4}✗ 'p\(99\.9\)<1' p\(99\.9\)=20ms/);
    expect(text).toContain("    ✓ 'count==0' count=0");
    expect(text).toContain('    ✓ published');
    expect(text).toContain('    ✗ stored\n      ↳  80% — ✓ 16 / ✗ 4');
    expect(text).toMatch(/checks_succeeded\.+: 90\.00% +36 out of 40/);
    expect(text).toMatch(/\n {2}✗ mqtt_puback_latency\.+: avg=10\.5ms +min=1ms/); // a failed threshold marks the metric
    expect(text).toMatch(/\n {4}iterations\.+: 20 +10\/s/);
    expect(text).toMatch(/generator_cpu\.+: 30% +min=30% +max=30%/);
    expect(text).toContain('{ kind:water }');
    expect(text.indexOf('█ THRESHOLDS')).toBeLessThan(text.indexOf('█ TOTAL RESULTS'));
  });

  it('formats times as k6', () => {
    expect([formatTime(0), formatTime(0.0123), formatTime(0.5), formatTime(148.214), formatTime(1140), formatTime(62_500), formatTime(3_725_000)]).toEqual([
      '0s',
      '12.3µs',
      '500µs',
      '148.21ms',
      '1.14s',
      '1m3s',
      '1h2m5s',
    ]);
  });

  it('progress line', () => {
    expect(formatProgressLine({ elapsedMs: 12_000, totalMs: 60_000, activeVus: 41, maxVus: 50, iterations: 12043, iterationRate: 995.12, dropped: 0, p99: { label: 'puback', ms: 8.1 }, generatorCpu: 0.34 })).toBe(
      'running (0m12.0s/1m00.0s), 41/50 VUs, 12043 iterations (995.1/s), dropped 0, p99 puback 8.1ms, generator CPU 34%',
    );
  });
});
