/**
 * Time as the runner sees it, injectable so executors can be tested in virtual time.
 * `now()` is ms on a monotonic scale (only differences matter). `sleepUntil(t, signal)`
 * resolves at `t` or as soon as `signal` aborts (it never rejects).
 */
export interface Clock {
  now(): number;
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
  /** Lets other tasks run (a closed-model loop calls it between iterations so it cannot starve timers). */
  yield(): Promise<void>;
}

/** Wall-clock time: performance.now() and setTimeout. */
export function createRealClock(): Clock {
  const now = () => performance.now();
  return {
    now,
    sleepUntil(t, signal) {
      if (signal?.aborted) return Promise.resolve();
      const wait = t - now();
      if (wait <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.ceil(wait));
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    yield: () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
}
