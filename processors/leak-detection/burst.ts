import { alertId, round3 } from '../../core/streams/alerts';
import { burstThresholdLpm } from './leak-config';
import type { BurstState, FlowPiece, LeakRuleContext } from './leak-state';

/**
 * Burst [Kamstrup flowIQ]: flow above a threshold (a share of the meter's Q3, 5–20 %) for
 * `minDurationMinutes` (30). Opens the instant the run reaches the duration; closes at the
 * first known flow at or below the threshold. A data gap keeps an open burst open and breaks a
 * run that has not fired yet (no evidence, no alert). Loss = volume since the run started.
 */
export const burstRule = 'burst';

export function burstPiece(st: BurstState, piece: FlowPiece, ctx: LeakRuleContext): void {
  const cfg = ctx.settings.burst;
  if (!cfg.enabled) return;
  const threshold = burstThresholdLpm(ctx.settings);
  const f = piece.flowLpm;
  if (f === null) {
    if (!st.open) reset(st);
    return;
  }
  if (f <= threshold) {
    if (st.open) {
      ctx.events.push(event(st, ctx, threshold, 'closed', piece.from, st.runVolumeL, piece.from));
      st.open = null;
    }
    reset(st);
    return;
  }
  if (st.runStart === null) st.runStart = piece.from;
  st.runVolumeL += (f * (piece.to - piece.from)) / 60_000;
  st.peakLpm = Math.max(st.peakLpm, f);
  const fireAt = st.runStart + cfg.minDurationMinutes * 60_000;
  if (!st.open && piece.to >= fireAt) {
    st.open = { startedAt: st.runStart };
    // Volume up to the firing instant: the part of this piece after it is not lost yet.
    const volumeAtFire = st.runVolumeL - (f * (piece.to - fireAt)) / 60_000;
    ctx.events.push(event(st, ctx, threshold, 'open', fireAt, volumeAtFire));
  }
}

function reset(st: BurstState): void {
  st.runStart = null;
  st.runVolumeL = 0;
  st.peakLpm = 0;
}

function event(st: BurstState, ctx: LeakRuleContext, threshold: number, state: 'open' | 'closed', at: number, lossL: number, endedAt?: number) {
  const startedAt = st.open!.startedAt;
  return {
    alertId: alertId(ctx.meterId, burstRule, startedAt),
    meterId: ctx.meterId,
    sector: ctx.sector,
    rule: burstRule,
    ruleKind: 'burst' as const,
    severity: ctx.settings.burst.severity,
    state,
    startedAt,
    ...(endedAt !== undefined ? { endedAt } : {}),
    evidence: { thresholdLpm: round3(threshold), peakLpm: round3(st.peakLpm), minDurationMinutes: ctx.settings.burst.minDurationMinutes },
    estimatedLossL: round3(lossL),
    at,
  };
}
