/**
 * Which band of a dated time-of-use tariff (dated-tou.ts) is in force when. Entry i of the
 * calendar holds over [its from, the next entry's from), the last one over [its from,
 * calendarEnd); the default band holds before the first entry and from calendarEnd on. Spans
 * are half-open, so an instant exactly at a change belongs to the band that starts there.
 *
 * The instants are read from the validated tariff each time (no compiled copy kept beside
 * it): a binary search finds the first entry, and a bill reads only its own period's entries.
 */
import { parseEventTime } from '../contracts/timestamp';
import type { DatedTou } from './dated-tou';

export interface BandSpan {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Index into `bands`. */
  band: number;
}

const at = (tou: DatedTou, i: number): number => parseEventTime(tou.calendar[i]!.from)!;

/** Index of the last entry whose `from` is at or before `t` (-1 when `t` is before the first). */
function entryAt(tou: DatedTou, t: number): number {
  let lo = 0;
  let hi = tou.calendar.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at(tou, mid) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The bands in force over [from, to), as consecutive spans that cover it exactly (none when
 * to ≤ from); neighbouring spans of the same band are merged.
 */
export function bandSpans(tou: DatedTou, from: number, to: number): BandSpan[] {
  const spans: BandSpan[] = [];
  if (!(to > from)) return spans;
  const index = new Map(tou.bands.map((b, i) => [b.name, i]));
  const defaultBand = index.get(tou.defaultBand)!;
  const push = (a: number, b: number, band: number) => {
    if (b <= a) return;
    const last = spans[spans.length - 1];
    if (last && last.band === band && last.to === a) last.to = b;
    else spans.push({ from: a, to: b, band });
  };
  const start = at(tou, 0);
  const end = parseEventTime(tou.calendarEnd)!;
  push(from, Math.min(to, start), defaultBand);
  if (to > start && from < end) {
    for (let i = Math.max(0, entryAt(tou, from)); i < tou.calendar.length; i++) {
      const entryFrom = at(tou, i);
      if (entryFrom >= to) break;
      const entryTo = i + 1 < tou.calendar.length ? at(tou, i + 1) : end;
      push(Math.max(from, entryFrom), Math.min(to, entryTo), index.get(tou.calendar[i]!.band)!);
    }
  }
  push(Math.max(from, end), to, defaultBand);
  return spans;
}

/** Index into `bands` of the band in force at instant `t`. */
export function bandAt(tou: DatedTou, t: number): number {
  return bandSpans(tou, t, t + 1)[0]!.band;
}
