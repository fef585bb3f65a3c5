/**
 * Prices a recommendation uses, from the meter's tariff (core/tariffs/tariff.ts):
 *
 * - the **marginal rate** of blocks: the rate of the block a quantity ends in (what one more or
 *   one less unit costs), the block bounds scaled like billing's (× days / tierReferenceDays);
 *   a flat block's marginal rate is 0;
 * - each quarter hour's **band** (a TOU period of the weekday/weekend × month × hour schedule, in
 *   the meter's local time, or a dated band of the calendar) and the band's marginal rate at the
 *   band's own use over the window.
 */
import { bandSpans } from '../../core/tariffs/band-calendar';
import type { Tariff, TariffBlock } from '../../core/tariffs/tariff';
import { localParts } from '../../core/time/local-time';
import { slotMs, type UsageWindow } from './recommendation';

/** The rate of the block that `quantity` ends in, blocks scaled by `factor`. */
export function marginalRate(blocks: readonly TariffBlock[], quantity: number, factor = 1): number {
  for (const block of blocks) {
    if (block.upTo === null || quantity <= block.upTo * factor) return block.rate ?? 0;
  }
  return blocks[blocks.length - 1]!.rate ?? 0;
}

export interface Band {
  name: string;
  blocks: readonly TariffBlock[];
}

/** The tariff's bands: TOU periods, dated bands, or one band holding its blocks. */
export function bandsOf(tariff: Tariff): Band[] {
  if (tariff.tou) return tariff.tou.periods;
  if (tariff.datedTou) return tariff.datedTou.bands;
  return [{ name: 'all hours', blocks: tariff.blocks! }];
}

/** The band (index into bandsOf) of each slot of the window. */
export function slotBands(w: Pick<UsageWindow, 'slots' | 'slotsFrom' | 'zone' | 'tariff'>): number[] {
  const { tariff } = w;
  const out = new Array<number>(w.slots.length).fill(0);
  if (tariff.tou) {
    const { weekdaySchedule, weekendSchedule } = tariff.tou;
    for (let k = 0; k < out.length; k++) {
      const p = localParts(w.slotsFrom + k * slotMs, w.zone);
      out[k] = (p.weekday === 0 || p.weekday === 6 ? weekendSchedule : weekdaySchedule)[p.month - 1]![p.hour]!;
    }
  } else if (tariff.datedTou) {
    // Band changes fall on quarter hours (dated-tou.ts): one band per slot.
    for (const span of bandSpans(tariff.datedTou, w.slotsFrom, w.slotsFrom + out.length * slotMs)) {
      for (let k = Math.floor((span.from - w.slotsFrom) / slotMs); k < out.length && w.slotsFrom + k * slotMs < span.to; k++) out[k] = span.band;
    }
  }
  return out;
}

/** Block scaling for a span of `days` days (billing's: days / tierReferenceDays, or per 30-day month when null). */
export const tierFactor = (tariff: Tariff, days: number): number => days / (tariff.tierReferenceDays ?? 30);

export interface PricedBands {
  bands: Band[];
  /** Band index of each slot. */
  slotBand: number[];
  /** Each band's consumption over the window. */
  used: number[];
  /** Quarter hours each band was in force. */
  slotCount: number[];
  /** Each band's marginal rate at its own use over the window. */
  rate: number[];
}

export function pricedBands(w: UsageWindow, days: number): PricedBands {
  const bands = bandsOf(w.tariff);
  const slotBand = slotBands(w);
  const used = new Array<number>(bands.length).fill(0);
  const slotCount = new Array<number>(bands.length).fill(0);
  slotBand.forEach((b, k) => {
    used[b]! += w.slots[k]!;
    slotCount[b]!++;
  });
  const factor = tierFactor(w.tariff, days);
  return { bands, slotBand, used, slotCount, rate: bands.map((b, i) => marginalRate(b.blocks, used[i]!, factor)) };
}

/** The price of a unit used evenly over every hour of the window: the bands' rates weighted by the time each was in force. */
export function timeAverageRate(p: PricedBands): number {
  const slots = p.slotCount.reduce((a, b) => a + b, 0);
  return slots === 0 ? 0 : p.rate.reduce((sum, r, i) => sum + r * p.slotCount[i]!, 0) / slots;
}
