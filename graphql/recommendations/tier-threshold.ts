/**
 * TIER_THRESHOLD: under an inclining-block tariff, the local calendar months of the window whose
 * consumption crossed into a higher block. For each such month: its block bounds scaled as
 * billing scales them (× days covered / tierReferenceDays; null: / 30), the threshold (the lower
 * bound of the block the month ended in), the use above it and what that use cost at the
 * block's rate (a flat block: its scaled amount). Staying under the threshold saves that cost;
 * saving per year = the months' total × 365 / window days.
 */
import { fromLocal, localParts } from '../../core/time/local-time';
import { amounts, annualFactor, dayMs, fmt, money, slotMs, windowDays, type Recommendation, type UsageWindow } from './recommendation';
import { tierFactor } from './tariff-rates';

export interface MonthUse {
  /** YYYY-MM, local. */
  month: string;
  used: number;
  days: number;
}

/** The window's consumption per local calendar month (partial months at its edges: their covered days). */
export function monthlyUse(w: UsageWindow): MonthUse[] {
  const out: MonthUse[] = [];
  let start = w.from;
  while (start < w.to) {
    const p = localParts(start, w.zone);
    const end = Math.min(w.to, fromLocal(w.zone, p.year, p.month + 1, 1));
    let used = 0;
    for (let k = Math.max(0, Math.floor((start - w.slotsFrom) / slotMs)); k < w.slots.length && w.slotsFrom + k * slotMs < end; k++) {
      const lo = Math.max(start, w.slotsFrom + k * slotMs);
      const hi = Math.min(end, w.slotsFrom + (k + 1) * slotMs);
      if (hi > lo) used += w.slots[k]! * ((hi - lo) / slotMs);
    }
    out.push({ month: `${p.year}-${String(p.month).padStart(2, '0')}`, used, days: (end - start) / dayMs });
    start = end;
  }
  return out;
}

export function tierThreshold(w: UsageWindow): Recommendation | null {
  const { tariff } = w;
  const blocks = tariff.blocks;
  if (!blocks || blocks.length < 2) return null;
  const u = tariff.unit;
  const lines: string[] = [];
  const months: string[] = [];
  let excessTotal = 0;
  let costTotal = 0;
  for (const m of monthlyUse(w)) {
    const factor = tierFactor(tariff, m.days);
    let k = 0;
    while (k < blocks.length - 1 && m.used > blocks[k]!.upTo! * factor) k++;
    if (k === 0) continue;
    const threshold = blocks[k - 1]!.upTo! * factor;
    const excess = m.used - threshold;
    const block = blocks[k]!;
    const cost = block.flatAmount !== undefined ? block.flatAmount * factor : excess * block.rate!;
    if (!(cost > 0)) continue;
    months.push(m.month);
    excessTotal += excess;
    costTotal += cost;
    const price = block.flatAmount !== undefined ? `flat ${fmt(block.flatAmount * factor, 4)} ${tariff.currency}` : `${fmt(excess)} × ${fmt(block.rate!, 6)} = ${fmt(cost, 4)} ${tariff.currency}`;
    lines.push(`${m.month} (${fmt(m.days, 2)} days): ${fmt(m.used)} ${u} used, block ${k + 1} starts at ${fmt(threshold)} ${u} (${fmt(blocks[k - 1]!.upTo!)} × ${fmt(m.days, 2)}/${tariff.tierReferenceDays ?? 30}); above it ${fmt(excess)} ${u}: ${price}`);
  }
  if (months.length === 0) return null;
  const annual = annualFactor(w);
  const { savingPerYearCents, quantityPerYear } = amounts(costTotal * annual, excessTotal * annual);
  const days = windowDays(w);
  return {
    kind: 'TIER_THRESHOLD',
    title: `Stay under the block threshold: ${months.length} month${months.length === 1 ? '' : 's'} crossed into a higher block`,
    savingPerYearCents,
    currency: tariff.currency,
    quantityPerYear,
    unit: u,
    computation: [
      ...lines,
      `above the thresholds over the last ${fmt(days, 2)} days: ${fmt(excessTotal)} ${u}, ${fmt(costTotal, 4)} ${tariff.currency}`,
      `per year: × 365 / ${fmt(days, 2)} = ${money(savingPerYearCents, tariff.currency)} (${fmt(quantityPerYear)} ${u})`,
      `tariff ${tariff.id}`,
    ],
    months,
  };
}
