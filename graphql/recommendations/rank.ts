/** Ranking: money saved per year, most first; ties by kind in the order of recommendationKinds, then title. */
import { recommendationKinds, type Recommendation } from './recommendation';

export function rankRecommendations(list: readonly Recommendation[]): Recommendation[] {
  const order = (r: Recommendation) => recommendationKinds.indexOf(r.kind);
  return [...list].sort((a, b) => b.savingPerYearCents - a.savingPerYearCents || order(a) - order(b) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}
