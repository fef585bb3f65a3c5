import type { Clock } from './clock';

export interface VirtualClock extends Clock {
  /** Number of sleepers waiting. */
  readonly pending: number;
}

/**
 * Virtual time for tests: time stands still while anything can still run, and jumps to the
 * earliest sleeper once every promise chain has settled (checked with setImmediate, so it
 * assumes the code under test does no real I/O). Sleepers at the same time wake in the order
 * they slept. Deterministic and as fast as the code under test.
 */
export function createVirtualClock(start = 0): VirtualClock {
  let now = start;
  let seq = 0;
  const sleepers: { t: number; seq: number; wake: () => void }[] = [];
  let scheduled = false;

  const tick = () => {
    scheduled = false;
    if (sleepers.length === 0) return;
    let min = 0;
    for (let i = 1; i < sleepers.length; i += 1) {
      const a = sleepers[i]!;
      const b = sleepers[min]!;
      if (a.t < b.t || (a.t === b.t && a.seq < b.seq)) min = i;
    }
    const [next] = sleepers.splice(min, 1);
    now = Math.max(now, next!.t);
    next!.wake();
    schedule();
  };
  const schedule = () => {
    if (scheduled || sleepers.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };

  return {
    now: () => now,
    get pending() {
      return sleepers.length;
    },
    sleepUntil(t, signal) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const entry = {
          t,
          seq: (seq += 1),
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = sleepers.indexOf(entry);
          if (i >= 0) sleepers.splice(i, 1);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(entry);
        schedule();
      });
    },
    yield: () => Promise.resolve(),
  };
}
