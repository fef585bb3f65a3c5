/**
 * Attribution of consumption to time. A register only tells how much was used between two
 * readings; each consumption segment is spread evenly over its span (linear interpolation of
 * the register), so a segment that crosses a period boundary or an hour boundary is split in
 * proportion to the time on each side. Hours are local wall-clock hours of the meter's zone
 * (a DST spring-forward day has no 02:00 hour; a fall-back day has two 01:00 hours, both
 * counted in slot 01), which is what time-of-use schedules are written in.
 */
import { localParts } from '../../core/time/local-time';
import type { ConsumptionSegment } from './register-consumption';

/** Slots: 12 months × (weekday, weekend) × 24 hours, as in URDB schedules. */
export const usageSlots = 12 * 2 * 24;

export interface UsageProfile {
  /** Total in the span, in the register's unit. */
  total: number;
  /** Consumption by local (month, day type, hour): index = hourSlot(month, weekend, hour). */
  byHour: number[];
}

/** month 1-12; weekend = Saturday or Sunday (URDB's weekend schedule); hour 0-23. */
export function hourSlot(month: number, weekend: boolean, hour: number): number {
  return ((month - 1) * 2 + (weekend ? 1 : 0)) * 24 + hour;
}

function addSpread(profile: UsageProfile, from: number, to: number, quantity: number, zone: string): void {
  let t = from;
  while (t < to) {
    const p = localParts(t, zone);
    const ms = ((t % 1000) + 1000) % 1000;
    // Time to the next local hour boundary (whole-hour and half-hour offsets alike).
    const nextHour = t + (3600 - p.minute * 60 - p.second) * 1000 - ms;
    const chunkEnd = Math.min(to, nextHour);
    const slot = hourSlot(p.month, p.weekday === 0 || p.weekday === 6, p.hour);
    profile.byHour[slot]! += quantity * (chunkEnd - t);
    t = chunkEnd;
  }
}

/**
 * The consumption in [from, to) of `segments` (each spread evenly over its (from, to] span),
 * in total and (unless `hourly` is false: only TOU tariffs need it) by local hour slot of `zone`.
 */
export function usageBetween(segments: readonly ConsumptionSegment[], from: number, to: number, zone: string, options: { hourly?: boolean } = {}): UsageProfile {
  const hourly = options.hourly ?? true;
  const profile: UsageProfile = { total: 0, byHour: new Array<number>(usageSlots).fill(0) };
  for (const s of segments) {
    if (s.to === s.from) {
      // An instantaneous step (e.g. at a replacement) belongs to the instant it happened.
      if (s.to >= from && s.to < to) {
        if (hourly) {
          const p = localParts(s.to, zone);
          profile.byHour[hourSlot(p.month, p.weekday === 0 || p.weekday === 6, p.hour)]! += s.quantity;
        }
        profile.total += s.quantity;
      }
      continue;
    }
    const a = Math.max(s.from, from);
    const b = Math.min(s.to, to);
    if (a >= b) continue;
    const perMs = s.quantity / (s.to - s.from);
    if (hourly) addSpread(profile, a, b, perMs, zone);
    profile.total += perMs * (b - a);
  }
  return profile;
}

/** The profile with every quantity multiplied by `factor` (a unit conversion). */
export function scaleUsage(profile: UsageProfile, factor: number): UsageProfile {
  return { total: profile.total * factor, byHour: profile.byHour.map((q) => q * factor) };
}
