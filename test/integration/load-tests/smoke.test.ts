import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadTest } from '../../../load-tests/runner/load-test';
import type { RunResult } from '../../../load-tests/runner/run-result';
import { build } from '../../../load-tests/scenarios/smoke';
import { createTestPipeline, type TestPipeline } from '../support/test-services';

// The smoke scenario through the engine (npm run load -- smoke), in `npm test`, against the test
// stack with this run's bridge and sink. Skipped until the engine's runLoadTest
// (load-tests/runner/run-load-test.ts) is in the tree.
type RunLoadTest = (test: LoadTest, options?: { env?: Record<string, string>; onProgress?: (line: string) => void }) => Promise<RunResult>;
const enginePath = path.resolve(__dirname, '../../../load-tests/runner/run-load-test.ts');
const maybe = existsSync(enginePath) ? describe : describe.skip;

maybe('smoke scenario through the engine', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  it('passes its thresholds: 0 lost, 0 doubled, probes seen, p99 within bounds', async () => {
    // A dynamic path, so this file typechecks before the engine exists.
    const { runLoadTest } = (await import(enginePath)) as { runLoadTest: RunLoadTest };
    // Fleet account unless asked otherwise: per-meter provisioning SIGHUPs the shared broker.
    const env = { MF_LOAD_AUTH: process.env.MF_LOAD_AUTH ?? 'fleet', MF_LOAD_OUTPUT_PROBE: 'false', MF_LOAD_DURATION: '15s', MF_LOAD_RUN_ID: `${pipeline.runId}-smoke` };
    const result = await runLoadTest(build({ ...process.env, ...env }), { env, onProgress: (line) => process.stderr.write(`[smoke] ${line}\n`) });
    const { metrics, meterflow } = result.summary;
    expect(meterflow.thresholdsFailed).toEqual([]);
    expect(metrics.readings_lost?.values.count).toBe(0);
    expect(metrics.readings_published?.values.count).toBeGreaterThan(200);
    expect(metrics.e2e_stored_latency?.values.count).toBeGreaterThan(10);
  });
});
