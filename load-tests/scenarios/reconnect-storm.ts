import type { LoadTest } from '../runner/load-test';
import { createIngestRun } from '../vus/ingest-run';
import { durationMs, scenarioParams } from '../vus/scenario-params';

/**
 * reconnect-storm: MF_LOAD_VUS (10,000) meters, each on its own connection, publish at a modest
 * total rate; MF_LOAD_STORM_AFTER (20s) after setup every VU's socket is destroyed under it
 * within MF_LOAD_STORM_SPREAD (5s) — what a broker restart does to a fleet — and mqtt.js
 * reconnects them (1 s reconnect period). We never restart the shared broker itself. What it
 * shows: mqtt_reconnects (≈ VUs), mqtt_connect_errors, publishes held across the gap
 * (PUBACK latency tail, mqtt_publish_errors), dropped iterations while VUs wait, and the
 * count check: nothing acknowledged may be lost.
 *
 * Auth: the fleet account by default (MF_LOAD_AUTH=fleet, distinct client ids): provisioning
 * 10,000 per-meter accounts takes only seconds of hashing (docs/load-testing.md) but leaves the
 * broker's password file 10,000 lines longer until teardown revokes them, and a SIGHUP of the
 * shared dev broker; set MF_LOAD_AUTH=meter to measure per-meter logins.
 *
 * Env: MF_LOAD_VUS (10000), MF_LOAD_RATE (readings/s, 2000), MF_LOAD_DURATION (60s),
 * MF_LOAD_STORM_AFTER (20s), MF_LOAD_STORM_SPREAD (5s), MF_LOAD_PROBE_INTERVAL_MS (10000).
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const vus = p.int('MF_LOAD_VUS', 10_000, 1, 100_000);
  const scenarioEnv = {
    MF_LOAD_BATCH_SIZE: '1',
    MF_LOAD_AUTH: p.string('MF_LOAD_AUTH', 'fleet'),
    MF_LOAD_PROBE_INTERVAL_MS: p.string('MF_LOAD_PROBE_INTERVAL_MS', '10000'),
  };
  const run = createIngestRun({
    maxVus: vus,
    env: scenarioEnv,
    storm: { afterMs: durationMs(p.duration('MF_LOAD_STORM_AFTER', '20s')), spreadMs: durationMs(p.duration('MF_LOAD_STORM_SPREAD', '5s')) },
  });
  return {
    name: 'reconnect-storm',
    description: `${vus} meters lose their connections within seconds and reconnect, while publishing.`,
    options: {
      scenarios: {
        fleet: {
          executor: 'constant-arrival-rate',
          exec: 'meter',
          rate: p.int('MF_LOAD_RATE', 2000, 1),
          timeUnit: '1s',
          duration: p.duration('MF_LOAD_DURATION', '60s'),
          preAllocatedVUs: vus,
          maxVUs: vus,
          gracefulStop: '40s',
          env: scenarioEnv,
        },
      },
      thresholds: {
        readings_lost: ['count==0'],
        readings_doubled: ['count==0'],
        mqtt_publish_errors: ['rate<0.01'],
        'e2e_probes_lost{stage:stored}': ['count==0'],
      },
      tags: { test: 'reconnect-storm' },
    },
    vus: { meter: run.vu },
    setup: (ctx) => run.setup(ctx),
    teardown: async (ctx) => {
      await run.teardown(ctx);
    },
  };
}

export default build(process.env);
