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
  const entries = new Map<string, { record: Promise<unknown>; expiresAt: number }>();
  const evict = () => {
    const t = now();
    for (const [key, entry] of entries) {
      // Map iteration is insertion order, so the first live entry ends the sweep.
      if (entry.expiresAt > t && entries.size <= maxEntries) break;
      entries.delete(key);
    }
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.record;
    },
    track(key, attempt) {
      entries.set(key, { record: attempt, expiresAt: now() + ttlMs });
      attempt.catch(() => entries.delete(key));
      evict();
    },
  };
}
