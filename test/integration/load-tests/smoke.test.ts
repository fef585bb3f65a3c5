import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runLoadTest } from '../../../load-tests/runner/run-load-test';
import type { SummaryData } from '../../../load-tests/runner/run-result';
import { build } from '../../../load-tests/scenarios/smoke';
import { createTestPipeline, type TestPipeline } from '../support/test-services';
import { waitFor } from '../support/wait-for';

const root = path.resolve(__dirname, '../../..');
// Fleet account: per-meter provisioning would SIGHUP the broker every test shares. Output
// probes off: processors are not part of this pipeline.
const baseEnv = { MF_LOAD_AUTH: 'fleet', MF_LOAD_OUTPUT_PROBE: 'false', MF_LOAD_DURATION: '15s' };

// `npm run load -- smoke`, in `npm test`, against the test stack with this run's bridge and sink.
describe('load test: the smoke scenario', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  it('passes its thresholds on a whole pipeline: every acknowledged reading stored once, probes seen', async () => {
    const env = { ...baseEnv, MF_LOAD_RUN_ID: `${pipeline.runId}-ok` };
    const result = await runLoadTest(build({ ...process.env, ...env }), { env, onProgress: (line) => process.stderr.write(`[smoke] ${line}\n`) });
    const { metrics, meterflow } = result.summary;
    expect(meterflow.thresholdsFailed).toEqual([]);
    expect(metrics.readings_lost?.values.count).toBe(0);
    expect(metrics.readings_doubled?.values.count).toBe(0);
    // 20/s for 15 s, minus the 2 % bad messages (never counted as published).
    expect(metrics.readings_published?.values.count).toBeGreaterThan(250);
    // Oracle independent of the runner: QuestDB's own count of the run's readings.
    const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id LIKE '${env.MF_LOAD_RUN_ID}-%'`);
    expect(Number(rows[0]!.n)).toBe(metrics.readings_published!.values.count);
    expect(metrics.e2e_stored_latency?.values.count).toBeGreaterThan(10);
    expect(result.series.length).toBeGreaterThan(10);
  });

  it('exits 99 with the failed thresholds marked ✗ when the sink stops mid-run', async () => {
    const runId = `${pipeline.runId}-cut`;
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-smoke-'));
    const summaryFile = path.join(dir, 'summary.json');
    const args = ['load-tests/load-cli.ts', 'smoke', '--no-color', '--summary-export', summaryFile, '--report', path.join(dir, 'report.html')];
    for (const [k, v] of Object.entries({ ...baseEnv, MF_LOAD_RUN_ID: runId, MF_LOAD_PROBE_TIMEOUT_MS: '5000', MF_LOAD_SETTLE_TIMEOUT_MS: '10000' })) args.push('--env', `${k}=${v}`);
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Stop the sink once the run's readings flow into QuestDB.
    await waitFor('the first readings stored', async () => Number((await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id LIKE '${runId}-%'`)).rows[0]!.n), (n) => n >= 20, 60_000, 250);
    await pipeline.sink!.stop();
    pipeline.sink = null;

    const code = await exited;
    if (code !== 99) process.stderr.write(`[smoke] stdout:\n${stdout}\nstderr:\n${stderr}\n`);
    expect(code).toBe(99);
    expect(stdout).toMatch(/✗ 'count==0'/);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryData;
    expect(summary.metrics.readings_lost?.thresholds?.['count==0']?.ok).toBe(false);
    expect(summary.metrics.readings_lost!.values.count).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('FAIL');
  }, 180_000);
});
