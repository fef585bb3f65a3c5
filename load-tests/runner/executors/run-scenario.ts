import type { ScenarioPlan } from '../validate-options';
import { runArrivalRate } from './arrival-rate';
import { runConstantVus } from './constant-vus';
import { createIterationRunner, type TrackedIterations } from './iteration-runner';
import { runPerVuIterations } from './per-vu-iterations';
import type { Executor, ScenarioContext } from './scenario-context';

export interface RunningScenario {
  iterations: TrackedIterations;
  /** Resolves once the scenario is over: its iterations finished within gracefulStop, or were interrupted. */
  done: Promise<void>;
}

const executors: { [K in ScenarioPlan['kind']]: Executor<Extract<ScenarioPlan, { kind: K }>> } = {
  'arrival-rate': runArrivalRate,
  'constant-vus': runConstantVus,
  'per-vu-iterations': runPerVuIterations,
};

/**
 * Runs one scenario from `t0` (the test's start on the clock): waits for its startTime, lets
 * its executor start iterations, then gives running iterations `gracefulStop` to finish and
 * interrupts the rest. An abort of `ctx.signal` interrupts running iterations at once.
 */
export function runScenario(ctx: ScenarioContext, t0: number): RunningScenario {
  const iterations = createIterationRunner(ctx);
  const { clock, signal, plan } = ctx;
  const done = (async () => {
    const startAt = t0 + plan.startMs;
    await clock.sleepUntil(startAt, signal);
    if (!signal.aborted) await (executors[plan.kind] as Executor)(ctx, iterations, startAt);
    if (!signal.aborted && iterations.inflight > 0) {
      const settled = new AbortController();
      const deadline = Math.max(clock.now(), startAt + plan.durationMs) + plan.gracefulStopMs;
      await Promise.race([iterations.idle().then(() => settled.abort()), clock.sleepUntil(deadline, AbortSignal.any([signal, settled.signal]))]);
      settled.abort();
    }
    iterations.interruptAll();
  })();
  return { iterations, done };
}
