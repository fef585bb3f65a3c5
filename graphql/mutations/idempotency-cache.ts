import { createRecentWrites } from './recent-writes';

/**
 * This process's memory of recent mutation results by idempotency key, and of requests still
 * running: a retry that arrives while the first attempt is in flight waits for it instead of
 * acting a second time. QuestDB's audit_log answers for keys this process no longer holds.
 */
export interface IdempotencyCache {
  /** The first attempt's record, or the promise of it while it runs. */
  get(key: string): Promise<unknown> | undefined;
  /** Registers a running attempt; a failed attempt is forgotten (a retry may run again). */
  track(key: string, attempt: Promise<unknown>): void;
}

export function createIdempotencyCache(ttlMs: number, maxEntries = 50_000, now: () => number = Date.now): IdempotencyCache {
  // The same bounded, expiring memory as read-your-writes: past ttlMs QuestDB's audit_log answers.
  const entries = createRecentWrites<Promise<unknown>>({ ttlMs, maxEntries, clock: now });
  return {
    get: (key) => entries.get(key),
    track(key, attempt) {
      entries.set(key, attempt);
      attempt.catch(() => entries.delete(key));
    },
  };
}
