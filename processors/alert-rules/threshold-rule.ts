import { alertId, round3 } from '../../core/streams/alerts';
import type { ThresholdRule } from './rule-config';
import type { RuleContext, Sample, ThresholdState } from './rule-state';

/**
 * Threshold with duration and hysteresis (e.g. a fridge must stay ≤ 4 °C, with the alarm
 * delayed to ride out a defrost cycle). A sample's value holds until the next sample. The alert opens once the
 * value has been beyond `threshold` for `forMinutes` (at exactly breach start + forMinutes) and
 * closes once it has been back at or within `clearAt` for `clearForMinutes`. Between
 * threshold and clearAt nothing changes: no flapping around the threshold.
 */
export function newThresholdState(): ThresholdState {
  return { pendingSince: null, clearSince: null, peak: null, open: null };
}

/** Applies one settled sample (in event-time order). */
export function thresholdSample(st: ThresholdState, rule: ThresholdRule, s: Sample, ctx: RuleContext): void {
  if (s.value === null) return;
  thresholdProgress(st, rule, s.ts, ctx);
  const above = rule.direction === 'above';
  const breach = above ? s.value > rule.threshold : s.value < rule.threshold;
  const clearAt = rule.clearAt ?? rule.threshold;
  const clear = above ? s.value <= clearAt : s.value >= clearAt;
  if (!st.open) {
    if (breach) {
      st.pendingSince ??= s.ts;
      st.peak = st.peak === null ? s.value : above ? Math.max(st.peak, s.value) : Math.min(st.peak, s.value);
    } else {
      st.pendingSince = null;
      st.peak = null;
    }
  } else {
    if (!clear) st.peak = st.peak === null ? s.value : above ? Math.max(st.peak, s.value) : Math.min(st.peak, s.value);
    st.clearSince = clear ? (st.clearSince ?? s.ts) : null;
  }
  thresholdProgress(st, rule, s.ts, ctx);
}

/** Opens or closes what has held long enough by `upTo` (the last value held until then). */
export function thresholdProgress(st: ThresholdState, rule: ThresholdRule, upTo: number, ctx: RuleContext): void {
  const base = { meterId: ctx.meterId, sector: ctx.sector, rule: rule.id, ruleKind: 'threshold' as const, severity: rule.severity };
  if (!st.open && st.pendingSince !== null && st.pendingSince + rule.forMinutes * 60_000 <= upTo) {
    const startedAt = st.pendingSince;
    st.open = { startedAt };
    st.pendingSince = null;
    ctx.events.push({
      ...base,
      alertId: alertId(ctx.meterId, rule.id, startedAt),
      state: 'open',
      startedAt,
      evidence: { direction: rule.direction, threshold: rule.threshold, clearAt: rule.clearAt ?? rule.threshold, forMinutes: rule.forMinutes, peak: round3(st.peak!) },
      at: startedAt + rule.forMinutes * 60_000,
    });
  }
  if (st.open && st.clearSince !== null && st.clearSince + rule.clearForMinutes * 60_000 <= upTo) {
    const { startedAt } = st.open;
    ctx.events.push({
      ...base,
      alertId: alertId(ctx.meterId, rule.id, startedAt),
      state: 'closed',
      startedAt,
      endedAt: st.clearSince,
      evidence: { direction: rule.direction, threshold: rule.threshold, clearAt: rule.clearAt ?? rule.threshold, peak: round3(st.peak!) },
      at: st.clearSince + rule.clearForMinutes * 60_000,
    });
    st.open = null;
    st.clearSince = null;
    st.peak = null;
  }
}
