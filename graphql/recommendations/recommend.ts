/**
 * Every recommendation for one meter, ranked: the entry point the resolver calls with what it
 * read from QuestDB. Each rule returns null when it does not apply (no TOU tariff, no block
 * crossed, no open leak, no floor, too few peers).
 */
import { leakCost, type OpenLeak } from './leak-cost';
import { peerComparison, type PeerUse } from './peer-comparison';
import { rankRecommendations } from './rank';
import { annualFactor, defaultRecommendationOptions, type Recommendation, type RecommendationOptions, type UsageWindow } from './recommendation';
import { standby } from './standby';
import { tierThreshold } from './tier-threshold';
import { touShift } from './tou-shift';

export interface RecommendationInput {
  window: UsageWindow;
  /** Unit of the meter's register (leak rates are in it per hour). */
  registerUnit: string;
  leaks: readonly OpenLeak[];
  /** The meter's sector and its group's annualised uses (the meter's own included or not); null: no comparison. */
  peers: { sector: string; meters: readonly PeerUse[] } | null;
}

/** The window's total use per year. */
export function ownUsePerYear(w: UsageWindow): number {
  return w.slots.reduce((a, b) => a + b, 0) * annualFactor(w);
}

export function recommend(input: RecommendationInput, options: Partial<RecommendationOptions> = {}): Recommendation[] {
  const o: RecommendationOptions = { ...defaultRecommendationOptions, ...options };
  const w = input.window;
  const all = [
    touShift(w, o),
    tierThreshold(w),
    leakCost(w, input.leaks, input.registerUnit),
    standby(w, o),
    input.peers === null ? null : peerComparison(w, ownUsePerYear(w), input.peers.meters, input.peers.sector, o),
  ];
  return rankRecommendations(all.filter((r): r is Recommendation => r !== null));
}
