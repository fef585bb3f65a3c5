import type { LoadTest } from '../runner/load-test';
import { createIngestRun } from '../vus/ingest-run';
import { scenarioParams } from '../vus/scenario-params';

/**
 * ingest-steady: a constant arrival rate of single-reading messages (open model: iterations
 * start on schedule whether or not earlier PUBACKs came back; a late VU pool shows as
 * dropped_iterations, never as a slower rate). The latency target is checked here:
 * p99 publish → queryable ≤ 500 ms, at half the maximum sustainable rate (ingest-ramp finds it).
 *
 * Env: MF_LOAD_RATE (readings/s, 1000), MF_LOAD_DURATION (60s), MF_LOAD_VUS (pre-allocated,
 * 200; up to 2×), MF_LOAD_PROFILE (mixed), MF_LOAD_BAD_SHARE (0), MF_LOAD_LEAK_SHARE (0),
 * MF_LOAD_E2E_P99_MS (500).
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const vus = p.int('MF_LOAD_VUS', 200, 1, 100_000);
  const scenarioEnv = { MF_LOAD_BATCH_SIZE: '1' };
  const run = createIngestRun({ maxVus: vus * 2, env: scenarioEnv });
  return {
    name: 'ingest-steady',
    description: 'Constant arrival rate of single-reading QoS 1 messages; e2e latency, PUBACK latency and the count check.',
    options: {
      scenarios: {
        ingest: {
          executor: 'constant-arrival-rate',
          exec: 'ingest',
          rate: p.int('MF_LOAD_RATE', 1000, 1),
          timeUnit: '1s',
          duration: p.duration('MF_LOAD_DURATION', '60s'),
          preAllocatedVUs: vus,
          maxVUs: vus * 2,
          env: scenarioEnv,
        },
      },
      thresholds: {
        readings_lost: ['count==0'],
        readings_doubled: ['count==0'],
        'e2e_probes_lost{stage:stored}': ['count==0'],
        e2e_stored_latency: [`p(99)<${p.int('MF_LOAD_E2E_P99_MS', 500, 1)}`],
        mqtt_publish_errors: ['rate<0.001'],
        dropped_iterations: ['count==0'],
      },
      tags: { test: 'ingest-steady' },
    },
    vus: { ingest: run.vu },
    setup: (ctx) => run.setup(ctx),
    teardown: async (ctx) => {
      await run.teardown(ctx);
    },
  };
}

export default build(process.env);
