/**
 * TOU_SHIFT: under a time-of-use tariff, move a share of the consumption of the most expensive
 * band to the cheapest one. Saving per year = peak-band use over the window × shiftable share ×
 * (peak rate − cheapest rate) × 365 / window days. Rates are each band's marginal rate
 * (tariff-rates.ts; one-block bands: their rate). The hours shown are the local hours the peak
 * band's use fell in and those the cheapest band was in force.
 */
import { localParts } from '../../core/time/local-time';
import { amounts, annualFactor, fmt, money, slotMs, windowDays, type Recommendation, type RecommendationOptions, type UsageWindow } from './recommendation';
import { pricedBands } from './tariff-rates';

const hoursOf = (w: UsageWindow, pick: (k: number) => boolean): number[] => {
  const hours = new Set<number>();
  for (let k = 0; k < w.slots.length; k++) if (pick(k)) hours.add(localParts(w.slotsFrom + k * slotMs, w.zone).hour);
  return [...hours].sort((a, b) => a - b);
};

/** "17:00–20:00, 21:00–22:00" for hours 17, 18, 19 and 21 (each hour h stands for h:00–h+1:00); "every hour" for all 24. */
export function hourRanges(hours: readonly number[]): string {
  if (hours.length === 24) return 'every hour';
  const parts: string[] = [];
  for (let i = 0; i < hours.length; ) {
    let j = i;
    while (j + 1 < hours.length && hours[j + 1] === hours[j]! + 1) j++;
    const h = (x: number) => `${String(x).padStart(2, '0')}:00`;
    parts.push(`${h(hours[i]!)}–${h(hours[j]! + 1 === 24 ? 0 : hours[j]! + 1)}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function touShift(w: UsageWindow, options: Pick<RecommendationOptions, 'shiftableShare'>): Recommendation | null {
  const { tariff } = w;
  if (!tariff.tou && !tariff.datedTou) return null;
  const days = windowDays(w);
  const p = pricedBands(w, days);
  // Bands in force during the window only: a band that never occurs offers nothing to move to.
  const present = p.bands.map((_, i) => i).filter((i) => p.slotCount[i]! > 0);
  if (present.length < 2) return null;
  const peak = present.reduce((a, b) => (p.rate[b]! > p.rate[a]! ? b : a));
  const cheapest = present.reduce((a, b) => (p.rate[b]! < p.rate[a]! ? b : a));
  const difference = p.rate[peak]! - p.rate[cheapest]!;
  const peakUse = p.used[peak]!;
  if (!(difference > 0) || !(peakUse > 0)) return null;
  const share = options.shiftableShare;
  const annual = annualFactor(w);
  const shifted = peakUse * share;
  const saving = shifted * difference * annual;
  const { savingPerYearCents, quantityPerYear } = amounts(saving, shifted * annual);
  const peakHours = hoursOf(w, (k) => p.slotBand[k] === peak && w.slots[k]! > 0);
  // A dynamic tariff's peak comes at any hour: name the hours most of its use fell in.
  const byHour = new Array<number>(24).fill(0);
  for (let k = 0; k < w.slots.length; k++) if (p.slotBand[k] === peak) byHour[localParts(w.slotsFrom + k * slotMs, w.zone).hour]! += w.slots[k]!;
  const top = byHour.map((q, h) => [h, q] as const).filter(([, q]) => q > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3);
  const when = peakHours.length < 24 ? hourRanges(peakHours) : `most at ${top.map(([h]) => `${String(h).padStart(2, '0')}:00`).join(', ')}`;
  const targetHours = hoursOf(w, (k) => p.slotBand[k] === cheapest);
  const [from, to] = [p.bands[peak]!.name, p.bands[cheapest]!.name];
  const u = tariff.unit;
  return {
    kind: 'TOU_SHIFT',
    title: `Move ${fmt(share * 100, 1)} % of your ${from} use (${when}) to ${to} hours`,
    savingPerYearCents,
    currency: tariff.currency,
    quantityPerYear,
    unit: u,
    computation: [
      `${from} band use over the last ${fmt(days, 2)} days: ${fmt(peakUse)} ${u}, at ${fmt(p.rate[peak]!, 6)} ${tariff.currency}/${u}`,
      `assumed movable: ${fmt(share * 100, 1)} % → ${fmt(shifted)} ${u}`,
      `${to} band rate: ${fmt(p.rate[cheapest]!, 6)} ${tariff.currency}/${u}; difference ${fmt(difference, 6)} ${tariff.currency}/${u}`,
      `saving over the window: ${fmt(shifted)} × ${fmt(difference, 6)} = ${fmt(shifted * difference, 4)} ${tariff.currency}`,
      `per year: × 365 / ${fmt(days, 2)} = ${money(savingPerYearCents, tariff.currency)} (${fmt(quantityPerYear)} ${u} moved)`,
      `tariff ${tariff.id}; hours in ${w.zone}: ${from} use at ${hourRanges(peakHours)}; ${to} in force at ${hourRanges(targetHours)}`,
      `most ${from} use: ${top.map(([h, q]) => `${String(h).padStart(2, '0')}:00–${String((h + 1) % 24).padStart(2, '0')}:00 ${fmt(q)} ${u}`).join(', ')}`,
    ],
    peakHours,
    targetHours,
    fromBand: from,
    toBand: to,
    fromPrice: p.rate[peak]!,
    toPrice: p.rate[cheapest]!,
    share,
  };
}
