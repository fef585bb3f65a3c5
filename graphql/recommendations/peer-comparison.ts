/**
 * PEER_COMPARISON: the meter's annualised consumption among the meters of its sector and kind
 * over the same window. Percentile = the share of the other meters that use less (equal counts
 * half). The saving is what the meter would pay less at the group's median (its use above the
 * median × the unit price); none at or below the median, when the recommendation only reports
 * the percentile. Needs `minPeers` meters, the meter included.
 */
import { amounts, fmt, money, type Recommendation, type RecommendationOptions, type UsageWindow } from './recommendation';
import { unitPrice } from './leak-cost';

export interface PeerUse {
  meterId: string;
  /** Annualised consumption, in the tariff's unit. */
  perYear: number;
}

/** Median of values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function peerComparison(w: UsageWindow, own: number, peers: readonly PeerUse[], sector: string, options: Pick<RecommendationOptions, 'minPeers'>): Recommendation | null {
  const others = peers.filter((p) => p.meterId !== w.meterId);
  if (others.length + 1 < options.minPeers) return null;
  const below = others.filter((p) => p.perYear < own).length;
  const equal = others.filter((p) => p.perYear === own).length;
  const percentile = Math.round(((below + equal / 2) / others.length) * 1000) / 10;
  const mid = median([own, ...others.map((p) => p.perYear)]);
  const { tariff } = w;
  const u = tariff.unit;
  const above = Math.max(0, own - mid);
  const price = unitPrice(w);
  const { savingPerYearCents, quantityPerYear } = amounts(above * price, above);
  return {
    kind: 'PEER_COMPARISON',
    title: above > 0 ? `You use more than ${fmt(percentile, 1)} % of similar meters in ${sector}` : `You use less than the median of similar meters in ${sector} (percentile ${fmt(percentile, 1)})`,
    savingPerYearCents,
    currency: tariff.currency,
    quantityPerYear,
    unit: u,
    computation: [
      `your use per year: ${fmt(own)} ${u}; ${others.length} other ${w.kind} meters of sector ${sector} over the same window`,
      `${below} of them use less${equal > 0 ? `, ${equal} as much` : ''}: percentile ${fmt(percentile, 1)}`,
      `median of the ${others.length + 1} meters: ${fmt(mid)} ${u} per year`,
      above > 0
        ? `at the median: ${fmt(above)} ${u} less × ${fmt(price, 6)} ${tariff.currency}/${u} = ${money(savingPerYearCents, tariff.currency)} per year`
        : 'at or below the median: nothing to save against it',
    ],
    percentile,
    peers: others.length + 1,
  };
}
