import { alertId } from '../../core/streams/alerts';
import type { SilentMeterRule } from './rule-config';
import type { RuleContext, SilentState } from './rule-state';

/**
 * Silent meter [ThingsBoard inactivity timeout, 600 s by default]: no reading for
 * `multiple` × `reportingIntervalSeconds`. Decided on settled readings in event-time order, so
 * disorder within the lateness changes nothing: the alert opens at exactly last reading +
 * timeout once the watermark is past that instant with no reading up to it (a gap of exactly
 * the timeout is not silence), and closes at the next reading. startedAt = the last reading before the silence. A meter that never
 * reported is unknown here (that needs the meter registry).
 */
export function silentTimeoutMs(rule: SilentMeterRule): number {
  return rule.multiple * rule.reportingIntervalSeconds * 1000;
}

/** Settled time has reached `upTo` and the last settled reading was at `lastTs`. */
export function silentProgress(st: SilentState, rule: SilentMeterRule, lastTs: number, upTo: number, ctx: RuleContext): void {
  const timeout = silentTimeoutMs(rule);
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
    evidence: { lastReadingAt: lastTs, timeoutSeconds: timeout / 1000, reportingIntervalSeconds: rule.reportingIntervalSeconds, multiple: rule.multiple },
    at: lastTs + timeout,
  });
}

/** A settled reading at `ts` after one at `lastTs`: closes an open silence. */
export function silentReading(st: SilentState, rule: SilentMeterRule, lastTs: number, ts: number, ctx: RuleContext): void {
  silentProgress(st, rule, lastTs, ts, ctx);
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
