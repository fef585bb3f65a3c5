import { alertId, round3 } from '../../core/streams/alerts';
import type { RateOfRiseRule } from './rule-config';
import type { RiseState, RuleContext, Sample } from './rule-state';

/**
 * Rate of rise (a fridge whose temperature rises fast: a door left open rises fast, a power cut
 * slowly): opens at a sample whose value is ≥ `rise` above the lowest sample of the
 * last `windowMinutes` (inclusive); startedAt = that lowest sample's time. Closes at the first
 * sample whose rise over the window is below `clearBelowRise` (default rise / 2). The window
 * minimum is a monotonic deque: bounded by the samples in one window, usually far fewer.
 */
export function newRiseState(): RiseState {
  return { minima: [], open: null };
}

export function riseSample(st: RiseState, rule: RateOfRiseRule, s: Sample, ctx: RuleContext): void {
  if (s.value === null) return;
  const windowStart = s.ts - rule.windowMinutes * 60_000;
  while (st.minima.length > 0 && st.minima[0]!.ts < windowStart) st.minima.shift();
  while (st.minima.length > 0 && st.minima[st.minima.length - 1]!.value! >= s.value) st.minima.pop();
  st.minima.push(s);
  const low = st.minima[0]!;
  const rise = s.value - low.value!;
  const base = { meterId: ctx.meterId, sector: ctx.sector, rule: rule.id, ruleKind: 'rate-of-rise' as const, severity: rule.severity };
  if (!st.open && rise >= rule.rise) {
    st.open = { startedAt: low.ts, fromValue: low.value! };
    ctx.events.push({
      ...base,
      alertId: alertId(ctx.meterId, rule.id, low.ts),
      state: 'open',
      startedAt: low.ts,
      evidence: { rise: round3(rise), fromValue: low.value!, toValue: s.value, windowMinutes: rule.windowMinutes, threshold: rule.rise },
      at: s.ts,
    });
  } else if (st.open && rise < (rule.clearBelowRise ?? rule.rise / 2)) {
    ctx.events.push({
      ...base,
      alertId: alertId(ctx.meterId, rule.id, st.open.startedAt),
      state: 'closed',
      startedAt: st.open.startedAt,
      endedAt: s.ts,
      evidence: { riseOverWindow: round3(rise), fromValue: st.open.fromValue, lastValue: s.value, windowMinutes: rule.windowMinutes },
      at: s.ts,
    });
    st.open = null;
  }
}
