import type { Clock } from '../clock';
import type { MetricSink, Vu } from '../load-test';
import type { ScenarioPlan } from '../validate-options';
import type { VuPool } from './vu-pool';

/** What an executor gets to run one scenario. */
export interface ScenarioContext<P extends ScenarioPlan = ScenarioPlan> {
  plan: P;
  clock: Clock;
  /** Aborts the whole run (abortOnFail, SIGINT): stop starting iterations, interrupt running ones. */
  signal: AbortSignal;
  pool: VuPool;
  /** The runner's registry; executors add the scenario's tags themselves. */
  metrics: MetricSink;
  /** An iteration threw (the runner logs it, rate-limited). */
  onIterationError(error: unknown): void;
  /** A VU could not be initialised mid-run. */
  onVuError(error: unknown): void;
}

/** Live figures of a running scenario (for the progress line). */
export interface ScenarioState {
  started: number;
  completed: number;
  failed: number;
  dropped: number;
  interrupted: number;
}

export type Executor<P extends ScenarioPlan = ScenarioPlan> = (
  ctx: ScenarioContext<P>,
  iterations: IterationRunner,
  /** The scenario's start on the clock. */
  startAt: number,
) => Promise<void>;

/** Starts iterations on VUs and records their builtin metrics; see iteration-runner.ts. */
export interface IterationRunner {
  /** Runs one iteration on a (busy) VU; resolves when it finished (never rejects). `onDone` releases the VU. */
  run(vu: Vu, onDone?: () => void): Promise<void>;
  dropped(): void;
  readonly state: ScenarioState;
}
