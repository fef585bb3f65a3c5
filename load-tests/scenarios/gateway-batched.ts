import type { LoadTest } from '../runner/load-test';
import { createIngestRun } from '../vus/ingest-run';
import { scenarioParams } from '../vus/scenario-params';

/**
 * gateway-batched: concentrators / edge gateways, each VU a gateway publishing batches of
 * MF_LOAD_BATCH_SIZE (100) readings of its own meters per message on gateways/<id>/readings
 * (target: ≥ 150,000 readings/s batched). Gateways log in with the fleet account (the
 * per-meter ACL only allows meters/<own id>/…) unless a credentials file names them.
 *
 * Env: MF_LOAD_RATE (messages/s, 100 = 10,000 readings/s), MF_LOAD_BATCH_SIZE (100),
 * MF_LOAD_DURATION (60s), MF_LOAD_VUS (20 gateways; up to 2×), MF_LOAD_E2E_P99_MS (1000).
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const vus = p.int('MF_LOAD_VUS', 20, 1, 10_000);
  const scenarioEnv = { MF_LOAD_BATCH_SIZE: String(p.int('MF_LOAD_BATCH_SIZE', 100, 2, 10_000)) };
  const run = createIngestRun({ maxVus: vus * 2, env: scenarioEnv });
  return {
    name: 'gateway-batched',
    description: `Gateways publishing ${scenarioEnv.MF_LOAD_BATCH_SIZE} readings per message at a constant message rate.`,
    options: {
      scenarios: {
        gateways: {
          executor: 'constant-arrival-rate',
          exec: 'gateway',
          rate: p.int('MF_LOAD_RATE', 100, 1),
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
        e2e_stored_latency: [`p(99)<${p.int('MF_LOAD_E2E_P99_MS', 1000, 1)}`],
        mqtt_publish_errors: ['rate<0.001'],
        dropped_iterations: ['count==0'],
      },
      tags: { test: 'gateway-batched' },
    },
    vus: { gateway: run.vu },
    setup: (ctx) => run.setup(ctx),
    teardown: async (ctx) => {
      await run.teardown(ctx);
    },
  };
}

export default build(process.env);
