import { alertId, round3 } from '../../core/streams/alerts';
import type { ContinuousFlowState, FlowPiece, LeakRuleContext } from './leak-state';

/**
 * Continuous flow [Kamstrup MULTICAL 21; Neptune AquaCUE]: a meter that has not had one
 * unbroken hour (`quietMinutes`) of zero flow in the last 24 h (`windowHours`) is leaking;
 * the leak clears after an hour of zero flow. Leak rate = lowest hourly volume in the window.
 *
 * Evaluated at each (UTC-aligned) hour end H: the leak opens when the last quiet hour ended at
 * or before H − window and every hour of the window has known flow for ≥ minHourCoverage of
 * it (a silent meter is not a leaking one). `startedAt` = end of the last quiet hour (flow has
 * not stopped for an hour since), or the start of monitoring.
 */
const hourMs = 3_600_000;
export const continuousFlowRule = 'continuous-flow';

export function continuousFlowPiece(st: ContinuousFlowState, piece: FlowPiece, ctx: LeakRuleContext): void {
  const { settings } = ctx;
  const cfg = settings.continuousFlow;
  if (st.lastQuietEnd === null) st.lastQuietEnd = piece.from;
  const hourStart = Math.floor(piece.from / hourMs) * hourMs;
  let bucket = st.hours[st.hours.length - 1];
  if (!bucket || bucket.start !== hourStart) {
    bucket = { start: hourStart, volumeL: 0, knownMs: 0 };
    st.hours.push(bucket);
    if (st.hours.length > cfg.windowHours) st.hours.splice(0, st.hours.length - cfg.windowHours);
  }
  const ms = piece.to - piece.from;
  if (piece.flowLpm === null) {
    st.zeroRunStart = null;
    return;
  }
  bucket.volumeL += (piece.flowLpm * ms) / 60_000;
  bucket.knownMs += ms;
  if (piece.flowLpm >= settings.zeroFlowEpsilonLpm) {
    st.zeroRunStart = null;
    return;
  }
  if (st.zeroRunStart === null) st.zeroRunStart = piece.from;
  const quietMs = cfg.quietMinutes * 60_000;
  if (piece.to - st.zeroRunStart < quietMs) return;
  st.lastQuietEnd = piece.to;
  if (st.open) {
    const endedAt = st.zeroRunStart;
    ctx.events.push({
      alertId: alertId(ctx.meterId, continuousFlowRule, st.open.startedAt),
      meterId: ctx.meterId,
      sector: ctx.sector,
      rule: continuousFlowRule,
      ruleKind: 'continuous-flow',
      severity: cfg.severity,
      state: 'closed',
      startedAt: st.open.startedAt,
      endedAt,
      evidence: { leakRateLph: round3(st.open.leakRateLph), quietRunStart: endedAt, quietMinutes: cfg.quietMinutes },
      estimatedLossL: round3((st.open.leakRateLph * (endedAt - st.open.startedAt)) / hourMs),
      at: st.zeroRunStart + quietMs,
    });
    st.open = null;
  }
}

/** Called when settled time reaches an hour boundary `hourEnd`. */
export function continuousFlowHourEnd(st: ContinuousFlowState, hourEnd: number, ctx: LeakRuleContext): void {
  const cfg = ctx.settings.continuousFlow;
  if (!cfg.enabled || st.open || st.lastQuietEnd === null) return;
  const windowStart = hourEnd - cfg.windowHours * hourMs;
  if (st.lastQuietEnd > windowStart) return;
  const hours = st.hours.filter((h) => h.start >= windowStart && h.start < hourEnd);
  if (hours.length !== cfg.windowHours) return;
  if (hours.some((h) => h.knownMs < cfg.minHourCoverage * hourMs)) return;
  const leakRateLph = Math.min(...hours.map((h) => h.volumeL));
  if (!(leakRateLph > 0)) return;
  const startedAt = st.lastQuietEnd;
  st.open = { startedAt, leakRateLph, openedAt: hourEnd };
  ctx.events.push({
    alertId: alertId(ctx.meterId, continuousFlowRule, startedAt),
    meterId: ctx.meterId,
    sector: ctx.sector,
    rule: continuousFlowRule,
    ruleKind: 'continuous-flow',
    severity: cfg.severity,
    state: 'open',
    startedAt,
    evidence: {
      leakRateLph: round3(leakRateLph),
      windowStart,
      windowEnd: hourEnd,
      windowHours: cfg.windowHours,
      maxHourlyVolumeL: round3(Math.max(...hours.map((h) => h.volumeL))),
      lastQuietHourEnd: startedAt,
    },
    estimatedLossL: round3((leakRateLph * (hourEnd - startedAt)) / hourMs),
    at: hourEnd,
  });
}
