/**
 * Consumption attributed to the bands of a dated time-of-use tariff, by the same rule as
 * usage-profile.ts: each consumption segment is spread evenly over its (from, to] span, so a
 * segment that crosses a band change (or a period boundary) is split in proportion to the time
 * on each side; an instantaneous step belongs to the band in force at its instant. Band
 * changes are instants (core/tariffs/band-calendar.ts), so a DST change moves nothing: a
 * 23-hour day simply holds 23 hours of segments.
 */
import { bandSpans, type BandSpan } from '../../core/tariffs/band-calendar';
import type { DatedTou } from '../../core/tariffs/dated-tou';
import type { ConsumptionSegment } from './register-consumption';

/** Index of the span holding `t` (spans cover [first.from, last.to) without holes). */
function spanIndex(spans: readonly BandSpan[], t: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.from <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The consumption in [from, to) of `segments` by band: element i is `tou.bands[i]`'s share, in
 * the segments' unit.
 */
export function usageByBand(segments: readonly ConsumptionSegment[], from: number, to: number, tou: DatedTou): number[] {
  const byBand = new Array<number>(tou.bands.length).fill(0);
  const spans = bandSpans(tou, from, to);
  if (spans.length === 0) return byBand;
  for (const s of segments) {
    if (s.to === s.from) {
      if (s.to >= from && s.to < to) byBand[spans[spanIndex(spans, s.to)]!.band]! += s.quantity;
      continue;
    }
    const a = Math.max(s.from, from);
    const b = Math.min(s.to, to);
    if (a >= b) continue;
    for (let k = spanIndex(spans, a); k < spans.length && spans[k]!.from < b; k++) {
      const lo = Math.max(a, spans[k]!.from);
      const hi = Math.min(b, spans[k]!.to);
      // The fraction of the segment's span, not a rate per ms: a segment wholly inside one band
      // adds exactly its quantity (x / d × d is not always x in binary).
      if (hi > lo) byBand[spans[k]!.band]! += s.quantity * ((hi - lo) / (s.to - s.from));
    }
  }
  return byBand;
}
