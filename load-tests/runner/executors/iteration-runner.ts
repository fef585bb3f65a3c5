import type { Vu } from '../load-test';
import type { IterationRunner, ScenarioContext, ScenarioState } from './scenario-context';

export interface TrackedIterations extends IterationRunner {
  /** Iterations still running. */
  readonly inflight: number;
  /** Resolves when no iteration is running. */
  idle(): Promise<void>;
  /** Marks the running iterations as interrupted: they count in iterations_interrupted and record nothing when they end. */
  interruptAll(): void;
}

/**
 * Runs iterations for one scenario and records k6's builtin metrics, tagged with the
 * scenario's tags: `iterations` and `iteration_duration` for every iteration that ended
 * (thrown or not), `iterations_failed` for thrown ones, `dropped_iterations`, and
 * `iterations_interrupted` for those still running when the scenario gave up on them.
 */
export function createIterationRunner(ctx: ScenarioContext): TrackedIterations {
  const { clock, metrics, plan } = ctx;
  const tags = plan.tags;
  const state: ScenarioState = { started: 0, completed: 0, failed: 0, dropped: 0, interrupted: 0 };
  const running = new Set<{ interrupted: boolean }>();
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (running.size > 0) return;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  return {
    state,
    get inflight() {
      return running.size;
    },
    async run(vu: Vu, onDone?: () => void) {
      const entry = { interrupted: false };
      running.add(entry);
      state.started += 1;
      const t0 = clock.now();
      let failed = false;
      try {
        await vu.iteration();
      } catch (error) {
        failed = true;
        if (!entry.interrupted) ctx.onIterationError(error);
      }
      if (entry.interrupted) return;
      running.delete(entry);
      const ms = clock.now() - t0;
      state.completed += 1;
      metrics.add('iterations', 1, tags);
      metrics.add('iteration_duration', ms, tags);
      if (failed) {
        state.failed += 1;
        metrics.add('iterations_failed', 1, tags);
      }
      onDone?.();
      settle();
    },
    dropped() {
      state.dropped += 1;
      metrics.add('dropped_iterations', 1, tags);
    },
    idle() {
      return running.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    interruptAll() {
      for (const entry of running) {
        entry.interrupted = true;
        state.interrupted += 1;
        metrics.add('iterations_interrupted', 1, tags);
      }
      running.clear();
      settle();
    },
  };
}
