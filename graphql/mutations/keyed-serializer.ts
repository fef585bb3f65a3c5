/**
 * Runs tasks one at a time per key, concurrently across keys. Used where a check-then-write
 * must not interleave with itself in this process (two payInvoice calls for the same invoice and
 * reference). Across processes the stored row's key does the job (DEDUP UPSERT KEYS); this only
 * spares the second caller from writing a duplicate and answering from a stale check.
 * Memory is bounded by the keys in flight: a key is forgotten when its last task settles.
 */
export interface KeyedSerializer {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with a task running or waiting (for tests and metrics). */
  readonly size: number;
}

export function createKeyedSerializer(): KeyedSerializer {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      // A failed predecessor does not fail its successor: each task gets its own outcome.
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get size() {
      return tails.size;
    },
  };
}
