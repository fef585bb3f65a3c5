import type { FlowPiece, SettledReading } from './leak-state';

/**
 * Flow between readings, the one place that turns readings into flow over time:
 *
 * - A reading with `value` (L/min, instantaneous) holds that flow until the next reading,
 *   for at most `maxGapMs`; beyond that the flow is unknown.
 * - A reading without `value` but with `register` (L) gets its flow from the register delta to
 *   the next reading: (next.register − register) / minutes between them, spread evenly. A
 *   decrease is never negative flow: the interval is unknown (register anomalies are the
 *   alert rules' business). Two register readings more than `maxGapMs` apart leave the
 *   interval unknown.
 *
 * Returns the pieces covering [from, to), where `from` ≥ last.ts is the settled frontier and
 * `next` the reading at `to` (null when settling up to a watermark with no reading there).
 * An empty result means nothing can be settled yet (a register reading waits for the next).
 */
export function flowBetween(last: SettledReading, from: number, to: number, next: SettledReading | null, maxGapMs: number): FlowPiece[] {
  if (to <= from) return [];
  const holdEnd = last.ts + maxGapMs;
  if (last.value !== null) {
    const pieces: FlowPiece[] = [];
    const knownEnd = Math.min(to, holdEnd);
    if (from < knownEnd) pieces.push({ from, to: knownEnd, flowLpm: last.value });
    const unknownFrom = Math.max(from, holdEnd);
    if (unknownFrom < to) pieces.push({ from: unknownFrom, to, flowLpm: null });
    return pieces;
  }
  if (next !== null && next.ts <= holdEnd && last.register !== null && next.register !== null) {
    const delta = next.register - last.register;
    return [{ from, to, flowLpm: delta >= 0 ? delta / ((next.ts - last.ts) / 60_000) : null }];
  }
  if (next !== null || to > holdEnd) return [{ from, to, flowLpm: null }];
  return [];
}
