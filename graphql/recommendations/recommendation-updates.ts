/**
 * "A new recommendation appeared": the recommendations re-evaluated every `everyMs`, an update
 * at the first evaluation and then only when the set of kinds changes (one appears or goes).
 * Savings moving within a kind do not notify: a window sliding by an hour moves every number a
 * little, and a subscriber wants news, not noise. `sleep` is injected so tests drive time.
 * A failed evaluation (QuestDB down) is skipped; the next one decides. Ending the stream
 * (return(), when the client goes) cancels the wait at once: no evaluation after it.
 */
import type { Recommendation, RecommendationKind } from './recommendation';

export interface RecommendationsUpdate<R extends Recommendation = Recommendation> {
  evaluatedAt: Date;
  kinds: RecommendationKind[];
  added: RecommendationKind[];
  recommendations: R[];
}

export interface UpdateOptions<R extends Recommendation> {
  evaluate(): Promise<R[]>;
  everyMs: number;
  /** Resolves after `ms`; default a timer. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onError?(error: unknown): void;
}

export function recommendationUpdates<R extends Recommendation>(options: UpdateOptions<R>): AsyncGenerator<RecommendationsUpdate<R>> {
  let stopped = false;
  let wake: (() => void) | null = null;
  let timeout: NodeJS.Timeout | null = null;
  const timer = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timeout = setTimeout(resolve, ms);
      timeout.unref?.();
    });
  const sleep = options.sleep ?? timer;
  const updates = run(options, sleep, () => stopped);
  const stop = () => {
    stopped = true;
    if (timeout !== null) clearTimeout(timeout);
    (wake as (() => void) | null)?.();
  };
  return {
    next: () => updates.next(),
    return: (value) => {
      stop();
      return updates.return(value);
    },
    throw: (error) => {
      stop();
      return updates.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<RecommendationsUpdate<R>>;
}

async function* run<R extends Recommendation>(options: UpdateOptions<R>, sleep: (ms: number) => Promise<void>, stopped: () => boolean): AsyncGenerator<RecommendationsUpdate<R>> {
  const now = options.now ?? Date.now;
  let previous: Set<RecommendationKind> | null = null;
  while (!stopped()) {
    let list: R[] | null = null;
    try {
      list = await options.evaluate();
    } catch (error) {
      options.onError?.(error);
    }
    if (list !== null && !stopped()) {
      const kinds = list.map((r) => r.kind);
      const current = new Set(kinds);
      const changed = previous === null || current.size !== previous.size || kinds.some((k) => !previous!.has(k));
      if (changed) {
        const added = kinds.filter((k) => previous === null || !previous.has(k));
        previous = current;
        yield { evaluatedAt: new Date(now()), kinds, added, recommendations: list };
      }
    }
    if (!stopped()) await sleep(options.everyMs);
  }
}
