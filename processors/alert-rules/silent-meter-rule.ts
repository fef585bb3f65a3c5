import { alertId } from '../../core/streams/alerts';
import type { SilentMeterRule } from './rule-config';
import type { RuleContext, SilentState } from './rule-state';

/** Gaps a meter's state keeps to learn its reporting interval: 8 numbers per meter. */
export const silentGapsKept = 8;
/** Gaps seen before the learned interval counts: one or two gaps say little about a meter's rhythm. */
export const silentGapsToLearn = 4;

/**
 * Silent meter [ThingsBoard inactivity timeout, 600 s by default]: no reading for
 * `multiple` × the meter's reporting interval. The interval is the larger of the rule's
 * `reportingIntervalSeconds` (a floor) and the interval the meter shows: the median of its last
 * 8 gaps between readings (once it has shown 4). A fleet that reports hourly is then silent after 10 hours, not after
 * 10 minutes of every hour (the default 60 s floor raised an alert per reading on such a fleet);
 * the median is not moved by one long silence or a burst. Decided on settled readings in event-time order, so
 * disorder within the lateness changes nothing: the alert opens at exactly last reading +
 * timeout once the watermark is past that instant with no reading up to it (a gap of exactly
 * the timeout is not silence), and closes at the next reading. startedAt = the last reading before the silence. A meter that never
 * reported is unknown here (that needs the meter registry).
 */
export function silentTimeoutMs(rule: SilentMeterRule, st?: SilentState, registeredMs?: number): number {
  return rule.multiple * reportingIntervalMs(rule, st, registeredMs);
}

/**
 * The interval the rule reckons with for this meter: the one its registry record states
 * (registerMeter reportingIntervalS: what the meter is configured to do), else the configured
 * floor or the learned median gap, whichever is larger.
 */
export function reportingIntervalMs(rule: SilentMeterRule, st?: SilentState, registeredMs?: number): number {
  if (registeredMs !== undefined) return registeredMs;
  return Math.max(rule.reportingIntervalSeconds * 1000, st?.learnedMs ?? 0);
}

/** The median gap once silentGapsToLearn are known; undefined before. */
function medianGap(gaps: readonly number[]): number | undefined {
  if (gaps.length < silentGapsToLearn) return undefined;
  const sorted = [...gaps].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Settled time has reached `upTo` and the last settled reading was at `lastTs`. */
export function silentProgress(st: SilentState, rule: SilentMeterRule, lastTs: number, upTo: number, ctx: RuleContext): void {
  const timeout = silentTimeoutMs(rule, st, ctx.registeredIntervalMs);
  if (st.open || upTo <= lastTs + timeout) return;
  st.open = { startedAt: lastTs };
  ctx.events.push({
    alertId: alertId(ctx.meterId, rule.id, lastTs),
    meterId: ctx.meterId,
    sector: ctx.sector,
    rule: rule.id,
    ruleKind: 'silent-meter',
    severity: rule.severity,
    state: 'open',
    startedAt: lastTs,
    evidence: { lastReadingAt: lastTs, timeoutSeconds: timeout / 1000, reportingIntervalSeconds: timeout / rule.multiple / 1000, configuredIntervalSeconds: rule.reportingIntervalSeconds, multiple: rule.multiple },
    at: lastTs + timeout,
  });
}

/** A settled reading at `ts` after one at `lastTs`: closes an open silence, then learns the gap. */
export function silentReading(st: SilentState, rule: SilentMeterRule, lastTs: number, ts: number, ctx: RuleContext): void {
  silentProgress(st, rule, lastTs, ts, ctx);
  if (ts > lastTs) {
    const gaps = (st.gaps ??= []);
    gaps.push(ts - lastTs);
    if (gaps.length > silentGapsKept) gaps.shift();
    const learned = medianGap(gaps);
    if (learned !== undefined) st.learnedMs = learned;
  }
  if (!st.open) return;
  ctx.events.push({
    alertId: alertId(ctx.meterId, rule.id, st.open.startedAt),
    meterId: ctx.meterId,
    sector: ctx.sector,
    rule: rule.id,
    ruleKind: 'silent-meter',
    severity: rule.severity,
    state: 'closed',
    startedAt: st.open.startedAt,
    endedAt: ts,
    evidence: { lastReadingAt: st.open.startedAt, silentSeconds: (ts - st.open.startedAt) / 1000 },
    at: ts,
  });
  st.open = null;
}
