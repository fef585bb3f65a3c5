import { alertId, round3 } from '../../core/streams/alerts';
import { fromLocal, localParts } from '../../core/time/local-time';
import type { FlowPiece, LeakRuleContext, NightFlowState } from './leak-state';

/**
 * Night flow [Smartvatten; LeakDB's minimum night flow, per meter]: the minimum flow between
 * two local hours (02:00–05:00 by default, in the meter's time zone, DST included) above a
 * threshold. Decided at the window's end when flow is known for ≥ minCoverage of it. Opens
 * on the first flagged night (startedAt = that window's start); further flagged nights
 * extend it; closes at the end of the first night whose minimum is back at or below the
 * threshold. Loss = lowest flagged minimum × time from the first window start to the last
 * flagged window end (a floor: the flow was at least that all along).
 */
export const nightFlowRule = 'night-flow';

/** The first night window (local startHour → endHour) that ends after `ts`. */
export function nightWindowAfter(ts: number, zone: string, startHour: number, endHour: number): { start: number; end: number } {
  const p = localParts(ts, zone);
  const overnight = endHour <= startHour ? 1 : 0;
  for (let d = -1; d <= 1; d++) {
    const start = fromLocal(zone, p.year, p.month, p.day + d, startHour);
    const end = fromLocal(zone, p.year, p.month, p.day + d + overnight, endHour);
    if (end > ts) return { start, end };
  }
  throw new RangeError(`no night window after ${ts} in ${zone}`);
}

export function nightFlowPiece(st: NightFlowState, piece: FlowPiece): void {
  const w = st.window;
  if (!w || piece.flowLpm === null) return;
  const from = Math.max(piece.from, w.start);
  const to = Math.min(piece.to, w.end);
  if (to <= from) return;
  st.knownMs += to - from;
  st.minFlowLpm = st.minFlowLpm === null ? piece.flowLpm : Math.min(st.minFlowLpm, piece.flowLpm);
}

/** Ensures a window exists for time `ts`; the detector cuts pieces at its end. */
export function nightFlowWindow(st: NightFlowState, ts: number, ctx: LeakRuleContext): { start: number; end: number } {
  if (!st.window) {
    const cfg = ctx.settings.nightFlow;
    st.window = nightWindowAfter(ts, ctx.settings.timeZone, cfg.startHour, cfg.endHour);
  }
  return st.window;
}

/** Called when settled time reaches the current window's end. */
export function nightFlowWindowEnd(st: NightFlowState, ctx: LeakRuleContext): void {
  const cfg = ctx.settings.nightFlow;
  const w = st.window!;
  const decided = cfg.enabled && st.minFlowLpm !== null && st.knownMs >= cfg.minCoverage * (w.end - w.start);
  if (decided) {
    const min = st.minFlowLpm!;
    const base = { meterId: ctx.meterId, sector: ctx.sector, rule: nightFlowRule, ruleKind: 'night-flow' as const, severity: cfg.severity };
    if (min > cfg.thresholdLpm) {
      if (!st.open) {
        st.open = { startedAt: w.start, minFlowLpm: min, nights: 1, lastFlaggedEnd: w.end };
        ctx.events.push({
          ...base,
          alertId: alertId(ctx.meterId, nightFlowRule, w.start),
          state: 'open',
          startedAt: w.start,
          evidence: { minFlowLpm: round3(min), thresholdLpm: cfg.thresholdLpm, windowStart: w.start, windowEnd: w.end, timeZone: ctx.settings.timeZone },
          estimatedLossL: round3((min * (w.end - w.start)) / 60_000),
          at: w.end,
        });
      } else {
        st.open.nights += 1;
        st.open.lastFlaggedEnd = w.end;
        st.open.minFlowLpm = Math.min(st.open.minFlowLpm, min);
      }
    } else if (st.open) {
      const o = st.open;
      ctx.events.push({
        ...base,
        alertId: alertId(ctx.meterId, nightFlowRule, o.startedAt),
        state: 'closed',
        startedAt: o.startedAt,
        endedAt: w.end,
        evidence: { minFlowLpm: round3(o.minFlowLpm), clearingNightMinFlowLpm: round3(min), nights: o.nights, thresholdLpm: cfg.thresholdLpm },
        estimatedLossL: round3((o.minFlowLpm * (o.lastFlaggedEnd - o.startedAt)) / 60_000),
        at: w.end,
      });
      st.open = null;
    }
  }
  st.window = nightWindowAfter(w.end, ctx.settings.timeZone, cfg.startHour, cfg.endHour);
  st.minFlowLpm = null;
  st.knownMs = 0;
}
