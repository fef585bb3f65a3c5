import type { RateSegment } from '../validate-options';

/**
 * When each iteration of an arrival-rate scenario starts, as k6 does: iteration i (0-based)
 * starts at the time t where the integral of the rate from 0 to t equals i. The rate is
 * piecewise linear (one segment per ramping stage; one flat segment for constant-arrival-rate),
 * so within a segment N(τ) = r0·τ + (r1−r0)·τ²/(2·ms) and τ solves a quadratic.
 * Example: 0 → 100/s over 10 s is N(t) = 5·t² (t in s): 500 iterations, the first 125 in the
 * first 5 s, iteration i at √(i/5) s.
 */
export interface ArrivalSchedule {
  /** Offset (ms from the scenario start) of the next iteration, or null when the schedule is over. */
  next(): number | null;
}

export function createArrivalSchedule(segments: readonly RateSegment[]): ArrivalSchedule {
  let seg = 0;
  let segStartMs = 0;
  let countAtSegStart = 0;
  let i = 0;
  return {
    next() {
      while (seg < segments.length) {
        const g = segments[seg]!;
        const inSegment = ((g.from + g.to) / 2) * g.ms;
        const n = i - countAtSegStart;
        if (n < inSegment - 1e-9 * Math.max(1, inSegment)) {
          i += 1;
          return segStartMs + Math.min(g.ms, offsetOf(g, n));
        }
        countAtSegStart += inSegment;
        segStartMs += g.ms;
        seg += 1;
      }
      return null;
    },
  };
}

/** τ with r0·τ + a·τ² = n, a = (r1−r0)/(2·ms); written 2n / (r0 + √(r0² + 4an)) so a = 0 and a < 0 need no special case. */
function offsetOf(g: RateSegment, n: number): number {
  if (n <= 0) return 0;
  const a = (g.to - g.from) / (2 * g.ms);
  const root = Math.sqrt(Math.max(0, g.from * g.from + 4 * a * n));
  const denominator = g.from + root;
  return denominator > 0 ? (2 * n) / denominator : g.ms;
}
