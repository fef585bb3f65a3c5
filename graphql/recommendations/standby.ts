/**
 * STANDBY: the always-on floor. The window's consumption per clock hour (4 quarter hours), the
 * `standbyPercentile`-th percentile of those hours (nearest rank) as the floor that never goes
 * off; × 8,760 h = the always-on use per year, priced at the rate of a unit used evenly over
 * every hour (tariff-rates.ts timeAverageRate; blocks: the marginal rate). Assumed avoidable:
 * `standbyReduction` of it (default half: appliances switched off rather than left on standby).
 * Hours only partly inside the readings' span are left out.
 */
import { amounts, fmt, hoursPerYear, money, slotMs, windowDays, type Recommendation, type RecommendationOptions, type UsageWindow } from './recommendation';
import { unitPrice } from './leak-cost';

/** Nearest-rank percentile (p in (0, 100]) of values; null when there are none. */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** Consumption of each whole clock hour (UTC-aligned: local hours too, for whole-hour offsets) inside [from, to). */
export function hourlyUse(w: UsageWindow): number[] {
  const hourMs = 4 * slotMs;
  const out: number[] = [];
  for (let h = Math.ceil(w.from / hourMs) * hourMs; h + hourMs <= w.to; h += hourMs) {
    const k = (h - w.slotsFrom) / slotMs;
    out.push(w.slots[k]! + w.slots[k + 1]! + w.slots[k + 2]! + w.slots[k + 3]!);
  }
  return out;
}

export function standby(w: UsageWindow, options: Pick<RecommendationOptions, 'standbyPercentile' | 'standbyReduction' | 'standbyKinds'>): Recommendation | null {
  if (!options.standbyKinds.includes(w.kind)) return null;
  const hours = hourlyUse(w);
  // A day of hours at least: a floor read from a few hours says nothing.
  if (hours.length < 24) return null;
  const floor = percentileOf(hours, options.standbyPercentile)!;
  if (!(floor > 0)) return null;
  const { tariff } = w;
  const u = tariff.unit;
  const price = unitPrice(w);
  const alwaysOn = floor * hoursPerYear;
  const avoidable = alwaysOn * options.standbyReduction;
  const { savingPerYearCents, quantityPerYear } = amounts(avoidable * price, avoidable);
  return {
    kind: 'STANDBY',
    title: `Cut the always-on use: ${fmt(floor)} ${u} every hour, even the quietest`,
    savingPerYearCents,
    currency: tariff.currency,
    quantityPerYear,
    unit: u,
    computation: [
      `always-on floor: the ${fmt(options.standbyPercentile)}th percentile of ${hours.length} hourly uses over the last ${fmt(windowDays(w), 2)} days = ${fmt(floor)} ${u}/h`,
      `always on per year: ${fmt(floor)} × ${hoursPerYear} h = ${fmt(alwaysOn)} ${u}`,
      `assumed avoidable: ${fmt(options.standbyReduction * 100, 1)} % → ${fmt(avoidable)} ${u}`,
      `price: ${fmt(price, 6)} ${tariff.currency}/${u} (tariff ${tariff.id}, averaged over the hours)`,
      `saving: ${fmt(avoidable)} × ${fmt(price, 6)} = ${money(savingPerYearCents, tariff.currency)} per year`,
    ],
    share: options.standbyReduction,
  };
}
