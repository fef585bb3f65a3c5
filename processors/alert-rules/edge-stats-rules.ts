import type { MeterKind } from '../../core/contracts/meter-kind';
import { alertId, round3, type AlertEvent } from '../../core/streams/alerts';
import { intervalMidpoint, type EdgeStats } from '../../core/streams/edge-statistics';
import { rulesFor, type AlertRulesConfig, type RateOfRiseRule, type ThresholdRule } from './rule-config';

/**
 * The threshold and rate-of-rise rules applied to edge statistics (interval summaries a node
 * computes from its own samples: count, min, max, mean over [from, to)). The configured rules
 * are the same as for readings (same ids, overrides and appliesTo); what a summary can prove
 * differs from what a sample proves, so each rule reads the summary's fields as follows
 * (docs/edge-statistics.md):
 *
 * - threshold `above X`: the interval breaches when its **max** > X (a spike inside the interval
 *   counts even when the mean is below X); `below X` uses **min**. It is back within `clearAt`
 *   only when the whole interval is (max ≤ clearAt, resp. min ≥ clearAt). Durations
 *   (`forMinutes`, `clearForMinutes`) are counted in whole intervals: from the start of the
 *   first of a run of contiguous breaching (clear) intervals to the end of the current one; an
 *   interval at least `forMinutes` long opens on its own. A gap between intervals ends the run.
 * - rate of rise: the rate between two consecutive summaries is Δmean / Δ(interval midpoint); it
 *   opens when rate × `windowMinutes` ≥ `rise` (the rule's "rise within the window" as a rate)
 *   and closes when it falls below `clearBelowRise` (default rise / 2). Means, not max: a
 *   spike is the threshold's business, a rise is a shift of the level.
 *
 * Order: summaries are applied in offset order per meter (the topic is keyed by meter). One
 * starting where the last applied one started is a duplicate (a resend or replay: skipped); one
 * starting before the last applied one ended is late (skipped, counted; the sink still stores
 * it). Nothing depends on other meters or on wall-clock time, so a replay of the same records
 * yields the same events, whose alert ids hash (meter, rule @ edge-stats, start) and whose
 * timestamps are event times (`at` = the end of the summary that decided the transition).
 */
export interface EdgeThresholdState {
  /** Start of the run of contiguous breaching intervals (not yet long enough to open). */
  pendingSince: number | null;
  /** Start of the run of contiguous clear intervals while open. */
  clearSince: number | null;
  /** Most extreme max (min, for below) since the breach began. */
  peak: number | null;
  open: { startedAt: number } | null;
}

export interface EdgeRiseState {
  open: { startedAt: number; fromMean: number } | null;
}

/** One meter's edge-statistics rule state: plain JSON, a few numbers per rule. */
export interface EdgeRuleState {
  v: 1;
  meterId: string;
  sector: string | null;
  kind: MeterKind | null;
  /** The last summary applied: duplicate / late detection, contiguity, the previous mean. */
  last: { from: number; to: number; mean: number } | null;
  threshold: Record<string, EdgeThresholdState | undefined>;
  rise: Record<string, EdgeRiseState | undefined>;
  dropped: { duplicate: number; late: number };
}

export type EdgeStatsStatus = 'accepted' | 'duplicate' | 'late';

/** What the alert id hashes as the rule: a meter sending readings too keeps two distinct alerts. */
export const edgeRuleKey = (ruleId: string) => `${ruleId}@edge-stats`;

export function createEdgeRuleState(meterId: string, sector: string | null = null): EdgeRuleState {
  return { v: 1, meterId, sector, kind: null, last: null, threshold: {}, rise: {}, dropped: { duplicate: 0, late: 0 } };
}

/** Applies one summary of the state's meter; returns whether it was applied and the alert transitions it caused. */
export function applyEdgeStats(state: EdgeRuleState, s: EdgeStats, config: AlertRulesConfig): { status: EdgeStatsStatus; events: AlertEvent[] } {
  const last = state.last;
  if (last && s.from === last.from) {
    state.dropped.duplicate += 1;
    return { status: 'duplicate', events: [] };
  }
  if (last && s.from < last.to) {
    state.dropped.late += 1;
    return { status: 'late', events: [] };
  }
  if (s.sector !== null) state.sector = s.sector;
  state.kind = s.kind;
  const events: AlertEvent[] = [];
  const contiguous = last !== null && s.from === last.to;
  for (const rule of rulesFor(config, state.meterId, state.sector, state.kind)) {
    if (rule.kind === 'threshold') edgeThreshold((state.threshold[rule.id] ??= { pendingSince: null, clearSince: null, peak: null, open: null }), rule, s, contiguous, state, events);
    else if (rule.kind === 'rate-of-rise') edgeRise((state.rise[rule.id] ??= { open: null }), rule, s, last, state, events);
  }
  state.last = { from: s.from, to: s.to, mean: s.mean };
  return { status: 'accepted', events };
}

function base(state: EdgeRuleState, rule: ThresholdRule | RateOfRiseRule) {
  return { meterId: state.meterId, sector: state.sector, rule: rule.id, ruleKind: rule.kind, severity: rule.severity };
}

function summaryEvidence(s: EdgeStats) {
  return { source: 'edge-stats', intervalFrom: new Date(s.from).toISOString(), intervalTo: new Date(s.to).toISOString(), count: s.count, min: s.min, max: s.max, mean: s.mean };
}

function edgeThreshold(st: EdgeThresholdState, rule: ThresholdRule, s: EdgeStats, contiguous: boolean, state: EdgeRuleState, events: AlertEvent[]): void {
  const above = rule.direction === 'above';
  // The interval's most extreme sample on the rule's side: max for "above", min for "below".
  const extreme = above ? s.max : s.min;
  const clearAt = rule.clearAt ?? rule.threshold;
  const breach = above ? extreme > rule.threshold : extreme < rule.threshold;
  const clear = above ? extreme <= clearAt : extreme >= clearAt;
  const worse = (a: number | null) => (a === null ? extreme : above ? Math.max(a, extreme) : Math.min(a, extreme));
  const key = edgeRuleKey(rule.id);
  if (!st.open) {
    if (!breach) {
      st.pendingSince = null;
      st.peak = null;
      return;
    }
    if (!contiguous) st.pendingSince = null;
    if (st.pendingSince === null) st.peak = null;
    st.pendingSince ??= s.from;
    st.peak = worse(st.peak);
    if (s.to - st.pendingSince < rule.forMinutes * 60_000) return;
    const startedAt = st.pendingSince;
    st.open = { startedAt };
    st.pendingSince = null;
    events.push({
      ...base(state, rule),
      ruleKind: 'threshold',
      alertId: alertId(state.meterId, key, startedAt),
      state: 'open',
      startedAt,
      evidence: { direction: rule.direction, threshold: rule.threshold, clearAt, forMinutes: rule.forMinutes, peak: round3(st.peak), ...summaryEvidence(s) },
      at: s.to,
    });
    return;
  }
  if (!clear) {
    st.clearSince = null;
    st.peak = worse(st.peak);
    return;
  }
  if (!contiguous) st.clearSince = null;
  st.clearSince ??= s.from;
  if (s.to - st.clearSince < rule.clearForMinutes * 60_000) return;
  const { startedAt } = st.open;
  events.push({
    ...base(state, rule),
    ruleKind: 'threshold',
    alertId: alertId(state.meterId, key, startedAt),
    state: 'closed',
    startedAt,
    endedAt: st.clearSince,
    evidence: { direction: rule.direction, threshold: rule.threshold, clearAt, peak: round3(st.peak ?? extreme), ...summaryEvidence(s) },
    at: s.to,
  });
  st.open = null;
  st.clearSince = null;
  st.peak = null;
}

function edgeRise(st: EdgeRiseState, rule: RateOfRiseRule, s: EdgeStats, last: EdgeRuleState['last'], state: EdgeRuleState, events: AlertEvent[]): void {
  if (last === null) return;
  const fromMid = intervalMidpoint(last);
  const toMid = intervalMidpoint(s);
  // °C (value units) per minute between the two midpoints; × windowMinutes compares with `rise`.
  const ratePerMinute = (s.mean - last.mean) / ((toMid - fromMid) / 60_000);
  const riseOverWindow = ratePerMinute * rule.windowMinutes;
  const key = edgeRuleKey(rule.id);
  if (!st.open && riseOverWindow >= rule.rise) {
    const startedAt = Math.floor(fromMid);
    st.open = { startedAt, fromMean: last.mean };
    events.push({
      ...base(state, rule),
      ruleKind: 'rate-of-rise',
      alertId: alertId(state.meterId, key, startedAt),
      state: 'open',
      startedAt,
      evidence: { rise: round3(riseOverWindow), ratePerMinute: round3(ratePerMinute), fromMean: last.mean, toMean: s.mean, windowMinutes: rule.windowMinutes, threshold: rule.rise, ...summaryEvidence(s) },
      at: s.to,
    });
  } else if (st.open && riseOverWindow < (rule.clearBelowRise ?? rule.rise / 2)) {
    events.push({
      ...base(state, rule),
      ruleKind: 'rate-of-rise',
      alertId: alertId(state.meterId, key, st.open.startedAt),
      state: 'closed',
      startedAt: st.open.startedAt,
      endedAt: Math.floor(toMid),
      evidence: { riseOverWindow: round3(riseOverWindow), fromMean: st.open.fromMean, lastMean: s.mean, windowMinutes: rule.windowMinutes, ...summaryEvidence(s) },
      at: s.to,
    });
    st.open = null;
  }
}
