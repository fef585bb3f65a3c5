/**
 * Consumption from a cumulative register, per meter, as plain JSON-serialisable state.
 *
 * Readings may arrive in any order, late or twice: the state keeps the register values sorted
 * by event time (one per instant) and the declared meter replacements, and the consumption is
 * always derived from that sorted history, so the result does not depend on arrival order.
 *
 * Walking the history in event time with a *baseline* (the last accepted register value):
 * - a value at or above the baseline is an increase of `value − baseline`;
 * - a declared replacement between two values closes the old register at its final value and
 *   restarts the baseline at the new register's initial value;
 * - a value below the baseline is a wrap when a modulus is configured and the forward distance
 *   `modulus − baseline + value` is at most `maxWrapFraction × modulus`;
 * - any other decrease is unexplained: flagged, excluded, and the baseline is held, so a single
 *   low glitch bills nothing and the meter is billed again only above the last accepted value;
 * - an increase beyond the meter's physical maximum flow over the elapsed time is a *jump*:
 *   flagged and held, not billed (see walk for how an outlier, a second register interleaved
 *   in the export and a level shift are told apart), unless an admin read or confirmed it.
 * Consumption is never negative. Every quantity is the register's advance times the multiplier in
 * force (a current-transformer ratio, a pulse weight): the profile's for the first register, a
 * replacement's from its instant on (docs/billing.md, "Register multiplier").
 */

export interface RegisterPoint {
  /** Event time, epoch ms. */
  ts: number;
  /** Register value in the state's unit. */
  value: number;
  /** Arrival time; decides between two different values for the same instant (later wins). */
  receivedAt: number;
  /** Absent for a device's value; an admin's read (manual) or estimate: never held as a jump, and it wins its instant. */
  source?: 'manual' | 'estimated';
}

/** A meter swap, declared by an operator or a work-order system. */
export interface MeterReplacement {
  /** When the new register started; readings before it are of the old register. */
  ts: number;
  /** The old register's last value, when known (else the old meter's tail is not billed, and flagged). */
  oldFinal: number | null;
  /** The new register's value when installed. @default 0 */
  newInitial: number;
  /** The multiplier of the new register from this instant on; absent = the one in force goes on. */
  newMultiplier?: number;
}

export interface RegisterState {
  unit: string;
  /** Sorted by ts, one per ts. */
  points: RegisterPoint[];
  /** Sorted by ts, one per ts. */
  replacements: MeterReplacement[];
  /** History before this instant was pruned: readings older than it are refused. */
  floorTs: number | null;
  /**
   * Earliest instant from which derived consumption may have changed since the owner last
   * looked (set by every change, cleared by the owner); null = nothing changed.
   */
  changedFrom: number | null;
  /** History before this instant has been compacted (compactRegister); absent = never. */
  compactedBefore?: number;
  /** The multiplier a replacement pruned with old history set (pruneRegister); absent = the options'. */
  prunedMultiplier?: number;
}

export interface RegisterOptions {
  /** The register counts modulo this (e.g. 1,000,000 L for a 6-digit litre register); null = never wraps. */
  modulus: number | null;
  /** Largest forward distance, as a fraction of the modulus, still read as a wrap. @default 0.5 */
  maxWrapFraction: number;
  /**
   * The meter's physical maximum flow, in register units per hour after the multiplier: an
   * increase larger than this over the elapsed time (at least one hour) is a jump, held for
   * review. null = no check.
   */
  maxFlowPerHour: number | null;
  /** Multiplier of the first register (until a replacement sets another). @default 1 */
  multiplier?: number;
}

/**
 * Shortest span the maximum flow is applied over: readings seconds apart step by the
 * register's resolution, which over seconds would read as an absurd flow.
 */
export const jumpMinSpanMs = 3_600_000;

export type ConsumptionKind = 'increase' | 'wrap' | 'replacement';

/** Consumption that happened in (from, to], spread evenly over that span. */
export interface ConsumptionSegment {
  from: number;
  to: number;
  quantity: number;
  kind: ConsumptionKind;
}

/** A step of the register that is not plain consumption: a decrease, a replacement or a jump. */
export interface RegisterDecrease {
  /** Event time of the reading (or replacement) where the register went down (or jumped). */
  ts: number;
  /** Baseline before. */
  from: number;
  /** Value after. */
  to: number;
  /** `jump`: an implausible increase (beyond the maximum flow), held for review, not billed. */
  kind: 'wrap' | 'replacement' | 'unexplained' | 'jump';
  /** What was billed for the step (wrap: the forward distance; unexplained and jump: 0). */
  quantity: number;
}

export interface RegisterAnalysis {
  segments: ConsumptionSegment[];
  decreases: RegisterDecrease[];
  /** Instants of readings excluded as a jump or as part of the series a jump started (held). */
  held: number[];
  /** Register advance not billed because it was held as a jump (level shifts: the step itself). */
  heldQuantity: number;
}

export type AddOutcome = 'added' | 'duplicate' | 'superseded' | 'too-late';

export function createRegisterState(unit: string): RegisterState {
  return { unit, points: [], replacements: [], floorTs: null, changedFrom: null };
}

/** Index of the first element with ts >= `ts`. */
function lowerBound(list: ReadonlyArray<{ ts: number }>, ts: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function markChanged(state: RegisterState, ts: number): void {
  // The segment ending at the new entry starts at the entry before it.
  const i = lowerBound(state.points, ts);
  const from = i > 0 ? state.points[i - 1]!.ts : ts;
  state.changedFrom = state.changedFrom === null ? from : Math.min(state.changedFrom, from);
}

/** The retained point at exactly `ts`, if any. */
export function registerPointAt(state: RegisterState, ts: number): RegisterPoint | null {
  const point = state.points[lowerBound(state.points, ts)];
  return point && point.ts === ts ? point : null;
}

/** The retained points with ts in [from, to). */
export function pointsBetween(state: RegisterState, from: number, to: number): RegisterPoint[] {
  return state.points.slice(lowerBound(state.points, from), lowerBound(state.points, to));
}

/**
 * Adds one register value (already in the state's unit). Updates the state in place.
 *
 * Two statements about one instant: an admin's (manual, estimated) beats a device's whatever
 * the order they arrive in (a correction stands even when the device's value is replayed
 * after it); between equals the later arrival wins (as the QuestDB upsert does), then the
 * larger value, so the outcome is order-independent. The same value from an admin marks the
 * device's point as confirmed.
 */
export function addRegisterValue(state: RegisterState, ts: number, value: number, receivedAt: number, source?: RegisterPoint['source']): AddOutcome {
  if (state.floorTs !== null && ts < state.floorTs) return 'too-late';
  const i = lowerBound(state.points, ts);
  const existing = state.points[i];
  const point: RegisterPoint = source === undefined ? { ts, value, receivedAt } : { ts, value, receivedAt, source };
  if (existing && existing.ts === ts) {
    const rank = (s: RegisterPoint['source']) => (s === undefined ? 0 : 1);
    const byRank = rank(source) - rank(existing.source);
    const wins = byRank > 0 || (byRank === 0 && (receivedAt > existing.receivedAt || (receivedAt === existing.receivedAt && value > existing.value)));
    if (!wins || (existing.value === value && existing.source === source)) return 'duplicate';
    state.points[i] = point;
    markChanged(state, ts);
    return 'superseded';
  }
  state.points.splice(i, 0, point);
  markChanged(state, ts);
  return 'added';
}

export function addReplacement(state: RegisterState, replacement: MeterReplacement): AddOutcome {
  if (state.floorTs !== null && replacement.ts < state.floorTs) return 'too-late';
  const i = lowerBound(state.replacements, replacement.ts);
  const existing = state.replacements[i];
  if (existing && existing.ts === replacement.ts) {
    if (existing.oldFinal === replacement.oldFinal && existing.newInitial === replacement.newInitial && existing.newMultiplier === replacement.newMultiplier) return 'duplicate';
    state.replacements[i] = { ...replacement };
    markChanged(state, replacement.ts);
    return 'superseded';
  }
  state.replacements.splice(i, 0, { ...replacement });
  markChanged(state, replacement.ts);
  return 'added';
}

interface Walk {
  analysis: RegisterAnalysis;
  baseline: number | null;
  baselineTs: number | null;
  /** The jump that started the series still held at the end of the walk, if any. */
  heldSinceTs: number | null;
}

/** The multiplier in force at `ts` (the last replacement at or before it that set one), and whether a replacement set it. */
function multiplierAt(state: RegisterState, options: RegisterOptions, ts: number): { multiplier: number; fromReplacement: boolean } {
  for (let i = lowerBound(state.replacements, ts + 1) - 1; i >= 0; i--) {
    const m = state.replacements[i]!.newMultiplier;
    if (m !== undefined) return { multiplier: m, fromReplacement: true };
  }
  return state.prunedMultiplier !== undefined ? { multiplier: state.prunedMultiplier, fromReplacement: true } : { multiplier: options.multiplier ?? 1, fromReplacement: false };
}

/**
 * A series of readings that started with a jump: its last value, and whether a reading
 * continuing the baseline's series came since (then it is another register interleaved, or
 * an outlier, and stays held; else a reading continuing it confirms a level shift).
 */
interface HeldSeries {
  value: number;
  ts: number;
  baselineSeen: boolean;
  /** The jump that started it. */
  startTs: number;
}

function walk(state: RegisterState, options: RegisterOptions, untilTs = Infinity): Walk {
  const segments: ConsumptionSegment[] = [];
  const decreases: RegisterDecrease[] = [];
  const heldTs: number[] = [];
  let heldQuantity = 0;
  let baseline: number | null = null;
  let baselineTs: number | null = null;
  let series: HeldSeries | null = null;
  let r = 0;
  const { modulus, maxWrapFraction, maxFlowPerHour } = options;
  let m = state.prunedMultiplier ?? options.multiplier ?? 1;
  const takeMultiplier = (rep: MeterReplacement) => {
    if (rep.newMultiplier !== undefined) m = rep.newMultiplier;
  };
  // Within the maximum flow from (b, bTs): never true without a maximum.
  const plausible = (value: number, ts: number, b: number, bTs: number) =>
    maxFlowPerHour === null || (value - b) * m <= (maxFlowPerHour * Math.max(ts - bTs, jumpMinSpanMs)) / 3_600_000;
  for (const point of state.points) {
    if (point.ts >= untilTs) break;
    if (baseline === null || baselineTs === null) {
      baseline = point.value;
      baselineTs = point.ts;
      while (r < state.replacements.length && state.replacements[r]!.ts <= point.ts) takeMultiplier(state.replacements[r++]!);
      continue;
    }
    // Replacements in (previous accepted value, this value]: close the old register, restart.
    while (r < state.replacements.length && state.replacements[r]!.ts <= point.ts) {
      const rep = state.replacements[r++]!;
      if (rep.ts <= baselineTs) {
        takeMultiplier(rep);
        continue;
      }
      // The old register's tail at the old multiplier; the new register's advance at its own.
      const tail = rep.oldFinal === null ? 0 : Math.max(0, rep.oldFinal - baseline) * m;
      if (tail > 0) segments.push({ from: baselineTs, to: rep.ts, quantity: tail, kind: 'replacement' });
      decreases.push({ ts: rep.ts, from: baseline, to: rep.newInitial, kind: 'replacement', quantity: tail });
      takeMultiplier(rep);
      baseline = rep.newInitial;
      baselineTs = rep.ts;
      series = null;
    }
    const value = point.value;
    // A reading continuing the series a jump started (at or above its last value, within the
    // maximum flow from it) belongs to that series, even when enough time has passed for it to
    // look plausible from the baseline too: what it continues is the step, not the baseline.
    const continuesSeries = series !== null && point.source === undefined && value >= series.value && plausible(value, point.ts, series.value, series.ts);
    // An admin's read (or confirmation) of this instant is never held.
    if (value >= baseline && !continuesSeries && (point.source !== undefined || plausible(value, point.ts, baseline, baselineTs))) {
      if (value > baseline) segments.push({ from: baselineTs, to: point.ts, quantity: (value - baseline) * m, kind: 'increase' });
      baseline = value;
      baselineTs = point.ts;
      if (series) series.baselineSeen = true;
      continue;
    }
    if (continuesSeries && series) {
      heldTs.push(point.ts);
      if (series.baselineSeen) {
        // The baseline's series went on in between: a second register interleaved (or a
        // repeated outlier). Held, never billed; the baseline's series is the meter's.
        series.value = value;
        series.ts = point.ts;
        continue;
      }
      // Nothing of the old series since the jump: the register shifted level (a swap nobody
      // declared, a reprogrammed counter). The step stays held; consumption from the first
      // reading of the new level on is billed.
      heldQuantity += (series.value - baseline) * m;
      if (value > series.value) segments.push({ from: series.ts, to: point.ts, quantity: (value - series.value) * m, kind: 'increase' });
      heldTs.pop();
      baseline = value;
      baselineTs = point.ts;
      series = null;
      continue;
    }
    if (value > baseline) {
      // A jump: held, and the start of a series later readings may continue.
      heldTs.push(point.ts);
      decreases.push({ ts: point.ts, from: baseline, to: value, kind: 'jump', quantity: 0 });
      series = { value, ts: point.ts, baselineSeen: false, startTs: point.ts };
      continue;
    }
    const forward = modulus === null ? Infinity : modulus - baseline + value;
    if (modulus !== null && forward > 0 && forward <= maxWrapFraction * modulus) {
      segments.push({ from: baselineTs, to: point.ts, quantity: forward * m, kind: 'wrap' });
      decreases.push({ ts: point.ts, from: baseline, to: value, kind: 'wrap', quantity: forward * m });
      baseline = value;
      baselineTs = point.ts;
      series = null;
      continue;
    }
    decreases.push({ ts: point.ts, from: baseline, to: value, kind: 'unexplained', quantity: 0 });
  }
  return { analysis: { segments, decreases, held: heldTs, heldQuantity }, baseline, baselineTs, heldSinceTs: series?.startTs ?? null };
}

/**
 * Earliest instant whose consumption a change from `ts` on (a state's `changedFrom`) can alter.
 * A new value ends a segment that starts at the last *accepted* value before it, which behind
 * excluded decreases or held readings may be long before the previous point (a step spanning a
 * closed period); and it may settle a held jump's series (level shift or interleaved register)
 * from the jump on.
 */
export function changeReach(state: RegisterState, options: RegisterOptions, ts: number): { reach: number; acceptedTs: number | null } {
  const { baselineTs, heldSinceTs } = walk(state, options, ts + 1);
  return { reach: Math.min(ts, baselineTs ?? ts, heldSinceTs ?? ts), acceptedTs: baselineTs };
}

/** Consumption segments and classified decreases, from the whole retained history. */
export function analyseRegister(state: RegisterState, options: RegisterOptions): RegisterAnalysis {
  return walk(state, options).analysis;
}

/**
 * Forgets history before `beforeTs`, keeping the baseline reached by then as an anchor point,
 * so consumption after `beforeTs` is unchanged. Readings older than `beforeTs` are refused from
 * then on ('too-late').
 */
export function pruneRegister(state: RegisterState, options: RegisterOptions, beforeTs: number): void {
  if (state.floorTs !== null && beforeTs <= state.floorTs) return;
  const { baseline, baselineTs } = walk(state, options, beforeTs);
  const anchorTs = baselineTs ?? beforeTs;
  // The multiplier in force at the anchor: replacements up to it are dropped with the history.
  const { multiplier, fromReplacement } = multiplierAt(state, options, anchorTs);
  const keep = state.points.filter((p) => p.ts >= beforeTs);
  if (baseline !== null && baselineTs !== null) keep.unshift({ ts: baselineTs, value: baseline, receivedAt: 0 });
  state.points = keep;
  if (fromReplacement) state.prunedMultiplier = multiplier;
  state.replacements = state.replacements.filter((r) => r.ts > anchorTs);
  state.floorTs = beforeTs;
}

/**
 * Compacts settled history: within each `bucketMs` slot before `beforeTs`, a run of points with
 * no decrease, wrap or replacement at or after its first point keeps only its first and last
 * point. Returns how many points were dropped.
 *
 * Why it changes nothing billing computes: such a run is a chain of increases inside one slot,
 * so first → last is one segment with the same total, inside the same slot. Slots are 15 min
 * (callers pass ≤ 15 min and ≤ maxGapMs): every time zone's hours and days start on a
 * multiple of 15 min, so per-hour (time-of-use) and per-day usage is the same, and no gap
 * longer than a slot can hide inside one. Decreases and replacements keep every point around
 * them, so their classification and count are unchanged.
 *
 * The bound it gives: at most 2 points per slot of settled history (plus the points of runs
 * with anomalies): 192 a day for a meter reporting every 10 s instead of 8,640, whatever its
 * reporting rate. A late reading into a compacted slot is billed against the kept points (the
 * same total; its own step may spread over the slot differently).
 */
export function compactRegister(state: RegisterState, options: RegisterOptions, beforeTs: number, bucketMs: number): number {
  const from = state.compactedBefore ?? -Infinity;
  if (beforeTs <= from) return 0;
  // Only a slot with 3 or more new points has any to drop: a meter reporting every 15 min or less
  // often never has one, and then the walk over the whole retained history is skipped.
  if (!slotWithThree(state.points, from, beforeTs, bucketMs)) {
    state.compactedBefore = beforeTs;
    return 0;
  }
  // Instants where something other than an increase happened: never dropped, never bridged.
  const walked = walk(state, options, beforeTs).analysis;
  // An admin's values too: they mark their period's bill (estimated) and win their instant.
  const stated = state.points.filter((p) => p.source !== undefined && p.ts < beforeTs).map((p) => p.ts);
  const anomalies = [...walked.decreases.map((d) => d.ts), ...walked.held, ...stated].sort((x, y) => x - y).map((ts) => ({ ts }));
  const anomalyIn = (a: number, b: number) => (anomalies[lowerBound(anomalies, a)]?.ts ?? Infinity) <= b;
  const kept: RegisterPoint[] = [];
  let dropped = 0;
  let i = 0;
  const points = state.points;
  while (i < points.length) {
    const first = points[i]!;
    if (first.ts < from || first.ts >= beforeTs) {
      kept.push(first);
      i++;
      continue;
    }
    const slot = Math.floor(first.ts / bucketMs);
    let j = i;
    while (j + 1 < points.length && points[j + 1]!.ts < beforeTs && Math.floor(points[j + 1]!.ts / bucketMs) === slot) j++;
    const last = points[j]!;
    if (j - i >= 2 && !anomalyIn(first.ts, last.ts)) {
      kept.push(first, last);
      dropped += j - i - 1;
    } else {
      for (let k = i; k <= j; k++) kept.push(points[k]!);
    }
    i = j + 1;
  }
  state.points = kept;
  state.compactedBefore = beforeTs;
  return dropped;
}

/** Whether three points with ts in [from, to) share a `bucketMs` slot. */
function slotWithThree(points: readonly RegisterPoint[], from: number, to: number, bucketMs: number): boolean {
  const end = lowerBound(points, to);
  for (let i = lowerBound(points, from); i + 2 < end; i++) {
    if (Math.floor(points[i]!.ts / bucketMs) === Math.floor(points[i + 2]!.ts / bucketMs)) return true;
  }
  return false;
}

export interface ReadingGap {
  /** Last reading before the gap (or the start of the span looked at, when there is none). */
  from: number;
  /** First reading after it (or the end of the span, when there is none yet). */
  to: number;
  /** True when one side is the edge of the span rather than a reading. */
  open: boolean;
}

/**
 * Stretches of [from, to) longer than `maxGapMs` without a reading. Consumption over a gap is
 * still billed (the register tells it), but its spread over hours is only an estimate.
 */
export function gapsWithin(state: RegisterState, from: number, to: number, maxGapMs: number): ReadingGap[] {
  const gaps: ReadingGap[] = [];
  const i = lowerBound(state.points, from);
  // The reading at or before `from`, when there is one, opens the first stretch.
  const before = state.points[i]?.ts === from ? state.points[i] : state.points[i - 1];
  let prev = before ? before.ts : from;
  let prevIsReading = before !== undefined;
  for (let j = before && before.ts === from ? i + 1 : i; j <= state.points.length; j++) {
    const point = state.points[j];
    const next = point ? point.ts : to;
    const nextIsReading = point !== undefined;
    if (next - prev > maxGapMs && next > from && prev < to) gaps.push({ from: prev, to: next, open: !prevIsReading || !nextIsReading });
    if (!point || point.ts >= to) break;
    prev = next;
    prevIsReading = nextIsReading;
  }
  return gaps;
}
