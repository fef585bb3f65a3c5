import type { LoadTest, Vu } from '../runner/load-test';
import { createIngestRun, type RunHookContext } from '../vus/ingest-run';
import { sustainableRate, type RampPlateau } from '../vus/sustainable-rate';
import { durationMs, scenarioParams } from '../vus/scenario-params';

/**
 * ingest-ramp: a ramping arrival rate in steps (MF_LOAD_RAMP_START, +MF_LOAD_RAMP_STEP per step,
 * MF_LOAD_RAMP_STEPS steps, each reached in 2 s and held MF_LOAD_RAMP_HOLD) until a threshold
 * breaks; thresholds with abortOnFail stop the ramp once it is clearly past its limit (p99 e2e
 * over 4× the limit, probes lost, iterations dropped at over 50/s on average). Teardown prints and records (summary.meterflow.findings)
 * the **maximum sustainable rate**: the highest plateau at which the acknowledged rate kept up
 * with the target, nothing failed or was lost and p99 publish → queryable ≤ 500 ms, from the
 * scenario's own per-second accounting (load-tests/vus/sustainable-rate.ts). The run ends on
 * failed thresholds (exit 99) by design: it looks for the break.
 *
 * Env: MF_LOAD_RAMP_START (readings/s, 200), MF_LOAD_RAMP_STEP (200), MF_LOAD_RAMP_STEPS (10),
 * MF_LOAD_RAMP_HOLD (15s), MF_LOAD_VUS (pre-allocated, 300; up to 5×), MF_LOAD_E2E_P99_MS (500),
 * MF_LOAD_BATCH_SIZE (readings per message, 1; more publishes gateway batches, rates stay in
 * readings/s). With MF_LOAD_PROBE_INTERVAL_MS=0 and MF_LOAD_COUNT_CHECK=false it ramps a broker
 * alone (nothing stored): plateaus are then judged on the acknowledged rate only.
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const start = p.int('MF_LOAD_RAMP_START', 200, 1);
  const step = p.int('MF_LOAD_RAMP_STEP', 200, 1);
  const steps = p.int('MF_LOAD_RAMP_STEPS', 10, 1, 1000);
  const hold = p.duration('MF_LOAD_RAMP_HOLD', '15s');
  const limitMs = p.int('MF_LOAD_E2E_P99_MS', 500, 1);
  const vus = p.int('MF_LOAD_VUS', 300, 1, 100_000);
  // Gateway batches: the rates stay in readings/s, the arrival rate is in messages (iterations).
  const batch = p.int('MF_LOAD_BATCH_SIZE', 1, 1, 10_000);
  const stepUp = '2s';
  const stages: { target: number; duration: string }[] = [];
  const plateaus: RampPlateau[] = [];
  let at = 0;
  for (let i = 0; i < steps; i += 1) {
    const rate = start + i * step;
    stages.push({ target: rate / batch, duration: stepUp }, { target: rate / batch, duration: hold });
    at += durationMs(stepUp);
    plateaus.push({ rate, fromMs: at, toMs: at + durationMs(hold) });
    at += durationMs(hold);
  }
  const scenarioEnv = { MF_LOAD_BATCH_SIZE: String(batch) };
  const run = createIngestRun({ maxVus: vus * 5, env: scenarioEnv });
  let firstIteration: number | null = null;
  const abort = (threshold: string) => ({ threshold, abortOnFail: true, delayAbortEval: '10s' });
  return {
    name: 'ingest-ramp',
    description: `Arrival rate ${start} → ${start + (steps - 1) * step} readings/s in ${steps} steps of ${hold}; finds the maximum sustainable rate (p99 e2e ≤ ${limitMs} ms, nothing dropped or lost).`,
    options: {
      scenarios: {
        ramp: { executor: 'ramping-arrival-rate', exec: 'ingest', startRate: start / batch, timeUnit: '1s', stages, preAllocatedVUs: vus, maxVUs: vus * 5, env: scenarioEnv },
      },
      // Thresholds are over the whole run (as k6's): the p99 one reports the ramp's verdict; the
      // ones that stop it only fire once the system is clearly past its limit, so the plateaus
      // above the break still show how it degrades. The finding is judged per plateau (teardown).
      thresholds: {
        e2e_stored_latency: [`p(99)<${limitMs}`, abort(`p(99)<${limitMs * 4}`)],
        'e2e_probes_lost{stage:stored}': [abort('count==0')],
        dropped_iterations: ['count==0', abort('rate<50')],
        readings_lost: ['count==0'],
        readings_doubled: ['count==0'],
      },
      tags: { test: 'ingest-ramp' },
    },
    vus: {
      async ingest(ctx): Promise<Vu> {
        const vu = await run.vu(ctx);
        return {
          iteration() {
            firstIteration ??= Date.now();
            return vu.iteration();
          },
          close: () => vu.close(),
        };
      },
    },
    setup: async (ctx) => {
      firstIteration = null;
      await run.setup(ctx);
    },
    teardown: async (ctx: RunHookContext) => {
      const endedAt = Date.now();
      const report = await run.teardown(ctx);
      const { maxSustainable, maxKeepingUp, verdicts } = sustainableRate({
        plateaus,
        startedAt: firstIteration ?? report.startedAt,
        endedAt,
        perSecond: report.ledger.perSecond(),
        probes: report.storedSamples,
        p99LimitMs: limitMs,
      });
      for (const v of verdicts) {
        process.stderr.write(`[load] plateau ${v.rate}/s: achieved ${v.achieved}/s, ${v.probes} probes, p50 ${v.p50Ms ?? '-'} ms, p99 ${v.p99Ms ?? '-'} ms → ${v.sustainable ? 'sustainable' : `not sustainable: ${v.reason}`}\n`);
      }
      // Lost readings cannot be placed on a plateau (the count check is one number for the run): say so beside the finding.
      const lost = report.count?.lost ?? 0;
      process.stderr.write(`[load] maximum sustainable rate: ${maxSustainable} readings/s (p99 e2e ≤ ${limitMs} ms, nothing dropped or lost)${lost > 0 ? ` — but the count check found ${lost} readings lost over the whole run` : ''}\n`);
      process.stderr.write(`[load] highest rate taken in full, latency aside: ${maxKeepingUp} readings/s\n`);
      if (ctx.findings) {
        ctx.findings.max_sustainable_rate = maxSustainable;
        ctx.findings.max_rate_kept_up = maxKeepingUp;
        if (lost > 0) ctx.findings.max_sustainable_rate_caveat = `${lost} readings lost over the run (not attributable to a plateau)`;
        for (const v of verdicts) ctx.findings[`plateau_${v.rate}`] = v.sustainable ? `ok: ${v.achieved}/s, p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms` : `broken: ${v.reason} (achieved ${v.achieved}/s, p50 ${v.p50Ms ?? '-'} ms, p99 ${v.p99Ms ?? '-'} ms)`;
      }
    },
  };
}

export default build(process.env);
