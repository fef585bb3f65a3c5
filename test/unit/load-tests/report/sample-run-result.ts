import type { LoadTestOptions } from '../../../../load-tests/runner/load-test';
import type { MetricSummary, RunResult, SummaryData, TimeBucket } from '../../../../load-tests/runner/run-result';

/**
 * A realistic run for the report's tests and its docs screenshot: 60 one-second buckets of an
 * ingest ramp (0 → 2000 messages/s over 30 s, then held), a broker stall from 38 s to 45 s
 * that spikes every latency, runs into maxVUs and drops iterations, and fails the
 * e2e_stored_latency p(99) threshold, while the probe check misses a few readings.
 * Deterministic: the noise is a fixed function of the bucket index.
 */

const bucketMs = 1000;
const buckets = 60;
const stall = { from: 38, to: 45 };
const readingsPerMessage = 4; // a mix of single meters and gateways batching 10

export interface SampleOverrides {
  test?: string;
  description?: string;
  aborted?: string | null;
  /** Extra checks (e.g. one with a hostile name). */
  checks?: { name: string; passes: number; fails: number }[];
}

export function buildSampleRunResult(overrides: SampleOverrides = {}): RunResult {
  const series = buildSeries();
  const summary = buildSummary(series, overrides);
  return { summary, series };
}

/** A little jitter in [-1, 1], the same on every call. */
function noise(i: number, salt: number): number {
  return Math.sin(i * 12.9898 + salt * 78.233) * 0.5 + Math.sin(i * 3.7 + salt) * 0.5;
}

/** 0 outside the stall, rising to 1 in its middle. */
function stallShape(i: number): number {
  if (i < stall.from || i > stall.to) return 0;
  const mid = (stall.from + stall.to) / 2;
  return 1 - Math.abs(i - mid) / ((stall.to - stall.from) / 2 + 1);
}

function latency(base: { p50: number; p90: number; p99: number }, spike: number, i: number, salt: number, count: number) {
  const s = stallShape(i);
  const j = 1 + 0.08 * noise(i, salt);
  const p50 = base.p50 * j * (1 + s * spike * 0.4);
  const p90 = base.p90 * j * (1 + s * spike * 0.7);
  const p99 = base.p99 * j * (1 + s * spike);
  return { count, avg: p50 * 1.1, 'p(50)': p50, 'p(90)': p90, 'p(99)': p99, max: p99 * 1.15 };
}

function buildSeries(): TimeBucket[] {
  const series: TimeBucket[] = [];
  for (let i = 0; i < buckets; i++) {
    const target = Math.round(Math.min(i / 30, 1) * 2000);
    const s = stallShape(i);
    // In the stall the broker acks slowly, VUs pile up to maxVUs and the rest is dropped.
    const dropped = s > 0 ? Math.round(target * 0.35 * s) : 0;
    const messages = Math.max(0, Math.round(target * (1 + 0.02 * noise(i, 1))) - dropped);
    const vus = Math.min(200, Math.max(10, Math.round(messages * 0.012 * (1 + s * 12) + 10)));
    const probes = i % 30 === 29 ? 1 : 2;
    const graphql = Math.round(48 + 4 * noise(i, 7));
    const metrics: TimeBucket['metrics'] = {
      iterations: { count: messages, rate: messages },
      mqtt_messages: { count: messages, rate: messages },
      readings_published: { count: messages * readingsPerMessage, rate: messages * readingsPerMessage },
      mqtt_puback_latency: latency({ p50: 6, p90: 14, p99: 38 }, 14, i, 2, messages),
      graphql_req_duration: latency({ p50: 22, p90: 48, p99: 110 }, 2, i, 8, graphql),
      vus: { value: vus },
      vus_max: { value: 200 },
      generator_cpu: { value: Math.min(1.6, 0.08 + (messages / 2000) * 0.85 + 0.04 * noise(i, 3)) },
      checks: { rate: s > 0.5 ? 0.6 : 1 },
    };
    if (dropped > 0) metrics.dropped_iterations = { count: dropped, rate: dropped };
    // The probe's readings arrive a second or more later; none in the first two buckets.
    if (i >= 2) {
      metrics.e2e_stored_latency = latency({ p50: 420, p90: 690, p99: 980 }, 3.6, i - 1, 4, probes);
      metrics.e2e_output_latency = latency({ p50: 1350, p90: 1900, p99: 2600 }, 2.2, i - 1, 5, probes);
    }
    series.push({ t: i * bucketMs, ms: bucketMs, metrics });
  }
  return series;
}

const options: LoadTestOptions = {
  scenarios: {
    meters: { executor: 'ramping-arrival-rate', exec: 'meter', startRate: 0, stages: [{ target: 2000, duration: '30s' }, { target: 2000, duration: '30s' }], preAllocatedVUs: 50, maxVUs: 200 },
    probes: { executor: 'constant-arrival-rate', exec: 'probe', rate: 2, duration: '60s', preAllocatedVUs: 2 },
    api: { executor: 'constant-vus', exec: 'graphql', vus: 5, duration: '60s' },
  },
  thresholds: {
    mqtt_puback_latency: ['p(99)<1000'],
    e2e_stored_latency: ['p(99)<2000', 'p(50)<1000'],
    graphql_req_duration: ['p(95)<500'],
    checks: ['rate>0.9'],
    readings_lost: ['count==0'],
  },
};

function buildSummary(series: TimeBucket[], overrides: SampleOverrides): SummaryData {
  const seconds = (buckets * bucketMs) / 1000;
  const sum = (metric: string) => series.reduce((n, b) => n + (b.metrics[metric]?.count ?? 0), 0);
  const counter = (metric: string): MetricSummary => ({ type: 'counter', contains: 'default', values: { count: sum(metric), rate: sum(metric) / seconds } });
  // Close enough to the distribution for a sample: observation-weighted means of the bucket percentiles.
  const trend = (metric: string): MetricSummary => {
    const bs = series.map((b) => b.metrics[metric]).filter((m) => m !== undefined);
    const n = bs.reduce((a, m) => a + (m.count ?? 0), 0);
    const w = (k: 'avg' | 'p(50)' | 'p(90)' | 'p(99)') => bs.reduce((a, m) => a + (m[k] ?? 0) * (m.count ?? 0), 0) / n;
    const max = Math.max(...bs.map((m) => m.max ?? 0));
    const p99 = Math.max(w('p(99)'), ...bs.map((m) => m['p(99)'] ?? 0).sort((a, b) => b - a).slice(0, 2));
    return { type: 'trend', contains: 'time', values: { avg: w('avg'), min: w('p(50)') * 0.3, med: w('p(50)'), max, 'p(90)': w('p(90)'), 'p(95)': (w('p(90)') + p99) / 2, 'p(99)': p99, count: n } };
  };
  const withThresholds = (m: MetricSummary, results: Record<string, boolean>): MetricSummary => ({
    ...m,
    thresholds: Object.fromEntries(Object.entries(results).map(([k, ok]) => [k, { ok }])),
  });
  const checkList = [
    { name: 'PUBACK received', passes: sum('mqtt_messages'), fails: 0 },
    { name: 'probe reading stored within 10 s', passes: 109, fails: 8 },
    { name: 'GraphQL response has no errors', passes: sum('graphql_req_duration'), fails: 0 },
    ...(overrides.checks ?? []),
  ];
  const checkPasses = checkList.reduce((n, c) => n + c.passes, 0);
  const checkFails = checkList.reduce((n, c) => n + c.fails, 0);
  const vus = series.map((b) => b.metrics.vus?.value ?? 0);
  const cpu = series.map((b) => b.metrics.generator_cpu?.value ?? 0);
  const stored = trend('e2e_stored_latency');
  return {
    metrics: {
      iterations: counter('iterations'),
      dropped_iterations: counter('dropped_iterations'),
      mqtt_messages: counter('mqtt_messages'),
      readings_published: counter('readings_published'),
      readings_lost: withThresholds({ type: 'counter', contains: 'default', values: { count: 0, rate: 0 } }, { 'count==0': true }),
      mqtt_puback_latency: withThresholds(trend('mqtt_puback_latency'), { 'p(99)<1000': true }),
      e2e_stored_latency: withThresholds(stored, { 'p(99)<2000': (stored.values['p(99)'] ?? 0) < 2000, 'p(50)<1000': true }),
      'e2e_stored_latency{kind:water}': { ...trend('e2e_stored_latency'), values: { ...stored.values, count: Math.round((stored.values.count ?? 0) / 3) } },
      e2e_output_latency: trend('e2e_output_latency'),
      graphql_req_duration: withThresholds(trend('graphql_req_duration'), { 'p(95)<500': true }),
      checks: withThresholds({ type: 'rate', contains: 'default', values: { rate: checkPasses / (checkPasses + checkFails), passes: checkPasses, fails: checkFails } }, { 'rate>0.9': true }),
      vus: { type: 'gauge', contains: 'default', values: { value: vus[vus.length - 1] ?? 0, min: Math.min(...vus), max: Math.max(...vus) } },
      vus_max: { type: 'gauge', contains: 'default', values: { value: 200, min: 200, max: 200 } },
      generator_cpu: { type: 'gauge', contains: 'default', values: { value: cpu[cpu.length - 1] ?? 0, min: Math.min(...cpu), max: Math.max(...cpu) } },
    },
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: checkList.map((c, i) => ({ ...c, path: `::${c.name}`, id: `check-${i}` })) },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: buckets * bucketMs + 1234 },
    meterflow: {
      test: overrides.test ?? 'ingest-ramp',
      description: overrides.description ?? 'Ramps meter publishes to 2000 messages/s and holds; a broker stall at 38 s (sample data).',
      startedAt: '2026-11-30T14:00:00.000Z',
      options,
      aborted: overrides.aborted ?? null,
      thresholdsFailed: (stored.values['p(99)'] ?? 0) < 2000 ? [] : ['e2e_stored_latency: p(99)<2000'],
      findings: { max_sustainable_rate_per_s: 1840, readings_per_message: readingsPerMessage },
    },
  };
}
