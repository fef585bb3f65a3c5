/**
 * What this server has written and QuestDB may not show yet (its WAL applies a write typically
 * within a second): read-your-writes for the next request. One per kind of write, owned by the
 * server's services (never module state, so two servers in one process, or two tests, never see
 * each other's writes). Bounded both ways: an entry goes after ttlMs (long visible in QuestDB by
 * then), and past maxEntries the oldest goes first, so a burst of writes cannot grow memory
 * without limit.
 */
export interface RecentWrites<V> {
  /** The live entry for key, or undefined (an expired entry is dropped on the way). */
  get(key: string): V | undefined;
  /** Stores (or replaces, as the newest) the entry for key; evicts what is expired or over the bound. */
  set(key: string, value: V): void;
  delete(key: string): void;
  /** Every live entry, oldest first. */
  values(): V[];
  /** Entries held, expired ones not yet swept included. */
  readonly size: number;
}

export interface RecentWritesOptions {
  /** How long an entry is kept after its write. */
  ttlMs: number;
  /** Most entries held; the oldest go first. */
  maxEntries: number;
  /** Epoch ms; injected so tests drive expiry. */
  clock?: () => number;
}

export function createRecentWrites<V>(options: RecentWritesOptions): RecentWrites<V> {
  const { ttlMs, maxEntries } = options;
  if (!(maxEntries >= 1)) throw new RangeError(`createRecentWrites: maxEntries must be at least 1, got ${maxEntries}`);
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const sweep = (now: number) => {
    // Map iteration is insertion order and set() re-inserts, so entries are oldest first: the
    // first one that is live and within the bound ends the sweep.
    for (const [key, entry] of entries) {
      if (entry.expiresAt > now && entries.size <= maxEntries) break;
      entries.delete(key);
    }
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= clock()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      const now = clock();
      entries.delete(key);
      entries.set(key, { value, expiresAt: now + ttlMs });
      sweep(now);
    },
    delete(key) {
      entries.delete(key);
    },
    values() {
      sweep(clock());
      return [...entries.values()].map((e) => e.value);
    },
    get size() {
      return entries.size;
    },
  };
}
