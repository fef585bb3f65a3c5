import type { MetricSink, Tags, VuContext } from '../../../load-tests/runner/load-test';
import { createIngestRun, type IngestRun } from '../../../load-tests/vus/ingest-run';
import { createTestPipeline, type TestPipeline } from '../support/test-services';

/** The test's own recorder of samples (what the engine's metrics sink would receive). */
function createRecorder() {
  const samples: { metric: string; value: number | boolean; tags?: Tags }[] = [];
  const sink: MetricSink = { add: (metric, value, tags) => samples.push({ metric, value, tags }) };
  const values = (metric: string, tag?: [string, string]) =>
    samples.filter((s) => s.metric === metric && (!tag || s.tags?.[tag[0]] === tag[1])).map((s) => Number(s.value));
  const sum = (metric: string, tag?: [string, string]) => values(metric, tag).reduce((a, b) => a + b, 0);
  return { sink, samples, values, sum };
}

function vuContext(id: number, env: Record<string, string>, metrics: MetricSink, checks: boolean[]): VuContext {
  return {
    id,
    scenario: 'ingest',
    env,
    metrics,
    tags: { scenario: 'ingest' },
    check(conditions) {
      const all = Object.values(conditions);
      checks.push(...all);
      return all.every(Boolean);
    },
  };
}

/** Runs `vus` for `ms` at about `perVuHz` iterations per second each (a small loop, no engine). */
async function drive(vus: { iteration(): Promise<void> }[], ms: number, perVuHz: number, during?: (elapsed: number) => Promise<void> | void): Promise<number> {
  const began = Date.now();
  let failures = 0;
  let hook = during;
  while (Date.now() - began < ms) {
    const tick = Date.now();
    await Promise.all(vus.map((vu) => vu.iteration().catch(() => (failures += 1))));
    if (hook && Date.now() - began > ms / 2) {
      await hook(Date.now() - began);
      hook = undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 / perVuHz - (Date.now() - tick))));
  }
  return failures;
}

describe('ingest VUs, e2e probe and count check against the dev stack', () => {
  let pipeline: TestPipeline;
  let env: Record<string, string>;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
    // Fleet account: this test must not SIGHUP the shared broker with provisioning.
    env = {
      ...(process.env as Record<string, string>),
      MF_LOAD_AUTH: 'fleet',
      MF_LOAD_OUTPUT_PROBE: 'false',
      MF_LOAD_PROBE_INTERVAL_MS: '500',
      MF_LOAD_PROBE_POLL_MS: '200',
      MF_LOAD_PROBE_TIMEOUT_MS: '15000',
      MF_LOAD_SETTLE_TIMEOUT_MS: '30000',
    };
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  const start = async (runEnv: Record<string, string>, count: number) => {
    const recorder = createRecorder();
    const checks: boolean[] = [];
    const run: IngestRun = createIngestRun({ maxVus: count, log: () => undefined });
    await run.setup({ env: runEnv, metrics: recorder.sink });
    const vus = await Promise.all(Array.from({ length: count }, (_, i) => run.vu(vuContext(i + 1, runEnv, recorder.sink, checks))));
    return { recorder, checks, run, vus };
  };

  it('records PUBACK latencies, sees the probes in QuestDB and counts 0 lost, 0 doubled (bad messages excluded)', async () => {
    const runEnv = { ...env, MF_LOAD_RUN_ID: `${pipeline.runId}-a`, MF_LOAD_BAD_SHARE: '0.05', MF_LOAD_PROFILE: 'mixed' };
    const { recorder, checks, run, vus } = await start(runEnv, 6);
    const failures = await drive(vus, 6000, 10);
    for (const vu of vus) await vu.close();
    const findings: Record<string, number | string> = {};
    const report = await run.teardown({ env: runEnv, metrics: recorder.sink, findings });

    expect(failures).toBe(0);
    const puback = recorder.values('mqtt_puback_latency');
    expect(puback.length).toBeGreaterThan(200);
    expect(Math.max(...puback)).toBeLessThan(5000);
    const published = recorder.sum('readings_published');
    expect(published).toBe(report.ledger.published);
    // Bad messages were acknowledged (mqtt_messages) but are not readings.
    expect(recorder.sum('mqtt_messages')).toBeGreaterThan(published);
    expect(recorder.values('mqtt_publish_errors').every((v) => v === 0)).toBe(true);
    expect(checks.every(Boolean)).toBe(true);

    const stored = recorder.values('e2e_stored_latency');
    expect(stored.length).toBeGreaterThanOrEqual(6 * 5);
    expect(Math.min(...stored)).toBeGreaterThan(0);
    expect(Math.max(...stored)).toBeLessThan(15_000);
    expect(recorder.sum('e2e_probes_lost')).toBe(0);

    expect(report.count).toMatchObject({ published, distinct: published, lost: 0, doubled: 0 });
    expect(recorder.sum('readings_lost')).toBe(0);
    expect(recorder.values('readings_lost')).toHaveLength(1);
    expect(recorder.sum('readings_doubled')).toBe(0);
    expect(findings).toMatchObject({ readings_lost: 0, readings_doubled: 0, readings_published: published });
    const sorted = [...stored].sort((a, b) => a - b);
    process.stderr.write(
      `[ingest-vu.test] ${published} readings, PUBACK p50 ${median(puback)} ms max ${Math.max(...puback)} ms; e2e stored p50 ${sorted[Math.floor(sorted.length / 2)]} ms max ${sorted[sorted.length - 1]} ms over ${stored.length} probes; poller ${report.probe?.queries} queries\n`,
    );
  });

  it('a sink stopped mid-way shows: the count check reports lost readings and probes time out', async () => {
    const runEnv = { ...env, MF_LOAD_RUN_ID: `${pipeline.runId}-b`, MF_LOAD_PROBE_TIMEOUT_MS: '5000', MF_LOAD_SETTLE_TIMEOUT_MS: '8000' };
    const { recorder, run, vus } = await start(runEnv, 4);
    await drive(vus, 6000, 10, async () => {
      await pipeline.sink!.stop();
      pipeline.sink = null;
    });
    for (const vu of vus) await vu.close();
    const report = await run.teardown({ env: runEnv, metrics: recorder.sink });
    expect(report.count!.lost).toBeGreaterThan(0);
    expect(recorder.sum('readings_lost')).toBe(report.count!.lost);
    expect(recorder.sum('e2e_probes_lost', ['stage', 'stored'])).toBeGreaterThan(0);
    // The smoke thresholds readings_lost count==0 and e2e_probes_lost{stage:stored} count==0 would fail.
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
