import type { LoadTest } from '../runner/load-test';
import { createIngestRun } from '../vus/ingest-run';
import { scenarioParams } from '../vus/scenario-params';

/**
 * smoke: is the pipeline whole? 30 s of a small open-model load (20 readings/s from 10 meters,
 * 2 % bad messages that must be dead-lettered and not counted), then the count check.
 * Fails (exit 99) on any lost or doubled reading, a stored probe not seen, a dropped iteration,
 * failed checks, or p99 latencies beyond a generous bound. Runs in `npm test`
 * (test/integration/load-tests/smoke.test.ts) against the test stack.
 *
 * Env: MF_LOAD_RATE (readings/s, 20), MF_LOAD_DURATION (30s), MF_LOAD_VUS (10),
 * MF_LOAD_BAD_SHARE (0.02), MF_LOAD_E2E_P99_MS (2000), MF_LOAD_PUBACK_P99_MS (500); every
 * variable of docs/load-testing.md (MQTT URL, auth, QuestDB…).
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const vus = p.int('MF_LOAD_VUS', 10, 1, 10_000);
  const scenarioEnv = { MF_LOAD_BAD_SHARE: p.string('MF_LOAD_BAD_SHARE', '0.02'), MF_LOAD_BATCH_SIZE: '1' };
  const run = createIngestRun({ maxVus: vus * 2, env: scenarioEnv });
  return {
    name: 'smoke',
    description: 'Small constant arrival rate for 30 s; every acknowledged reading must be stored exactly once.',
    options: {
      scenarios: {
        ingest: {
          executor: 'constant-arrival-rate',
          exec: 'ingest',
          rate: p.int('MF_LOAD_RATE', 20, 1),
          timeUnit: '1s',
          duration: p.duration('MF_LOAD_DURATION', '30s'),
          preAllocatedVUs: vus,
          maxVUs: vus * 2,
          env: scenarioEnv,
        },
      },
      thresholds: {
        readings_lost: ['count==0'],
        readings_doubled: ['count==0'],
        'e2e_probes_lost{stage:stored}': ['count==0'],
        e2e_stored_latency: [`p(99)<${p.int('MF_LOAD_E2E_P99_MS', 2000, 1)}`],
        mqtt_puback_latency: [`p(99)<${p.int('MF_LOAD_PUBACK_P99_MS', 500, 1)}`],
        mqtt_publish_errors: ['rate==0'],
        dropped_iterations: ['count==0'],
        checks: ['rate>0.99'],
      },
      tags: { test: 'smoke' },
    },
    vus: { ingest: run.vu },
    setup: (ctx) => run.setup(ctx),
    teardown: async (ctx) => {
      await run.teardown(ctx);
    },
  };
}

export default build(process.env);
