/**
 * "A new recommendation appeared": the recommendations re-evaluated every `everyMs`, an update
 * at the first evaluation and then only when the set of kinds changes (one appears or goes).
 * Savings moving within a kind do not notify: a window sliding by an hour moves every number a
 * little, and a subscriber wants news, not noise. `sleep` is injected so tests drive time.
 * A failed evaluation (QuestDB down) is skipped; the next one decides.
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

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

export async function* recommendationUpdates<R extends Recommendation>(options: UpdateOptions<R>): AsyncGenerator<RecommendationsUpdate<R>> {
  const sleep = options.sleep ?? timer;
  const now = options.now ?? Date.now;
  let previous: Set<RecommendationKind> | null = null;
  for (;;) {
    let list: R[] | null = null;
    try {
      list = await options.evaluate();
    } catch (error) {
      options.onError?.(error);
    }
    if (list !== null) {
      const kinds = list.map((r) => r.kind);
      const current = new Set(kinds);
      const changed = previous === null || current.size !== previous.size || kinds.some((k) => !previous!.has(k));
      if (changed) {
        const added = kinds.filter((k) => previous === null || !previous.has(k));
        previous = current;
        yield { evaluatedAt: new Date(now()), kinds, added, recommendations: list };
      }
    }
    await sleep(options.everyMs);
  }
}
