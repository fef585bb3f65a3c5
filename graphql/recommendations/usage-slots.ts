/**
 * A meter's register readings → its consumption per quarter hour, by billing's rule of
 * attribution (docs/billing.md "Attribution to time"): each advance between two readings is
 * spread evenly over its span, so an advance that crosses a slot boundary is split in
 * proportion to the time on each side. A decrease (a reset, a glitch) counts as nothing and
 * the count goes on from the lower value. Quarter hours: every zone's offset and every dated
 * band change (core/tariffs/dated-tou.ts) fall on one, so a slot lies in one local hour and one band.
 */
import { slotMs } from './recommendation';

export interface RegisterPoint {
  /** Epoch ms. */
  ts: number;
  register: number;
}

export interface UsageSlots {
  /** Start of slot 0 (multiple of 15 min, at or before `from`). */
  slotsFrom: number;
  /** Consumption per slot, in the register's unit × `factor`. */
  slots: number[];
  /** The span the readings cover: the first reading's instant to the last's. */
  from: number;
  to: number;
}

/** Points sorted by time, one per instant (the table's DEDUP keeps one; the last wins here too). */
export function usageSlots(points: readonly RegisterPoint[], factor = 1): UsageSlots | null {
  const sorted = [...points].filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.register)).sort((a, b) => a.ts - b.ts);
  if (sorted.length < 2) return null;
  const from = sorted[0]!.ts;
  const to = sorted[sorted.length - 1]!.ts;
  if (!(to > from)) return null;
  const slotsFrom = Math.floor(from / slotMs) * slotMs;
  const slots = new Array<number>(Math.ceil((to - slotsFrom) / slotMs)).fill(0);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const advance = (b.register - a.register) * factor;
    if (!(advance > 0) || b.ts === a.ts) continue;
    for (let k = Math.floor((a.ts - slotsFrom) / slotMs); k < slots.length; k++) {
      const lo = Math.max(a.ts, slotsFrom + k * slotMs);
      const hi = Math.min(b.ts, slotsFrom + (k + 1) * slotMs);
      if (hi <= lo) break;
      // The fraction of the span, not a rate per ms: an advance inside one slot adds exactly itself.
      slots[k]! += advance * ((hi - lo) / (b.ts - a.ts));
    }
  }
  return { slotsFrom, slots, from, to };
}
