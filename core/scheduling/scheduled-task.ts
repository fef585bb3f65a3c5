import { MeterflowError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export interface ScheduledTaskOptions {
  /** Names the task in logs and in the `task` label of its metrics. */
  name: string;
  /** Wall-clock period between runs; 0 or less: only on demand (runNow). */
  intervalMs: number;
  /**
   * One run. It owns its exactly-once story: it writes idempotently (DEDUP keys, deterministic
   * ids) and checkpoints what it has done after its outputs, so a run repeated after a crash or
   * a failure rewrites the same rows.
   */
  run(): Promise<void>;
  logger: Logger;
  /** Counts runs by task and outcome (`scheduled_runs_total`); optional for tools and tests. */
  metrics?: Metrics;
}

export interface ScheduledTask {
  /** Runs now, or joins the run in progress; rejects with that run's error. */
  runNow(): Promise<void>;
  /** How long runs have failed without a success in between; 0 when fine (for /health). */
  failingForMs(): number;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Scheduled work (cross-partition comparisons, registry syncs, policies) in one runtime model
 * beside the stream topology: runs never overlap (a slow QuestDB cannot stack them: a tick
 * during a run is skipped, the next tick runs), a failure is logged, counted and retried on the
 * next tick and never stops the timer, /health sees how long it has been failing, and stop
 * waits for the run in progress so a SIGTERM drains it.
 */
export function startScheduledTask(options: ScheduledTaskOptions): ScheduledTask {
  if (!options.name) throw new MeterflowError('SCHEDULED_TASK_INVALID', 'name: required');
  if (!Number.isFinite(options.intervalMs)) throw new MeterflowError('SCHEDULED_TASK_INVALID', `${options.name}: intervalMs must be a number of milliseconds, got ${options.intervalMs}`);
  const runs = options.metrics?.counter('scheduled_runs_total', 'Runs of scheduled work (group comparison, registry sync, policies), by task and outcome');
  let running: Promise<void> | null = null;
  let failingSince: number | null = null;
  let stopped = false;

  const runNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        await options.run();
        failingSince = null;
        runs?.inc({ task: options.name, outcome: 'ok' });
      } catch (error) {
        failingSince ??= Date.now();
        runs?.inc({ task: options.name, outcome: 'failed' });
        throw error;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const timer =
    options.intervalMs > 0
      ? setInterval(() => {
          if (stopped || running) return;
          runNow().catch((error: unknown) => options.logger.warn('scheduled task failed; retried on the next tick', { task: options.name, error }));
        }, options.intervalMs)
      : null;
  timer?.unref();

  return {
    runNow,
    failingForMs: () => (failingSince === null ? 0 : Date.now() - failingSince),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
