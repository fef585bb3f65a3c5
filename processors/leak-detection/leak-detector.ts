import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import { burstPiece } from './burst';
import { continuousFlowHourEnd, continuousFlowPiece } from './continuous-flow';
import { flowBetween } from './flow-segments';
import { resolveLeakSettings, type LeakConfig } from './leak-config';
import type { FlowPiece, LeakRuleContext, LeakState, SettledReading } from './leak-state';
import { nightFlowPiece, nightFlowWindow, nightFlowWindowEnd } from './night-flow';
import { holdInEventOrder } from '../runtime/event-order-buffer';

/**
 * Leak detection for one water meter, driven by a runtime: `applyReading` for each reading in
 * offset order, `advanceWatermark` with the partition's event-time watermark. Readings wait in
 * `pending` until the watermark passes them, then are settled in event-time order into flow
 * pieces, so any disorder within the allowed lateness gives the same alerts as sorted input.
 * State is mutated in place (plain JSON) and also returned for convenience; nothing reads a
 * clock: every timestamp on an alert is event time.
 */
export type ApplyStatus = 'accepted' | 'duplicate' | 'late' | 'ignored';

const hourMs = 3_600_000;

export function applyReading(state: LeakState, reading: Reading, config: LeakConfig, registryZone: string | null = null): { status: ApplyStatus; events: AlertEvent[] } {
  if (reading.kind !== 'water' || (reading.value === null && reading.register === null)) return { status: 'ignored', events: [] };
  if (reading.sector !== null) state.sector = reading.sector;
  const r: SettledReading = { ts: reading.ts, value: reading.value, register: reading.register };
  const held = holdInEventOrder(state, r);
  if (held !== 'accepted') return { status: held, events: [] };
  const p = state.pending;
  const excess = p.length - config.maxPendingReadings;
  // Bounded state: with more pending readings than allowed, the oldest are settled early.
  const events = excess > 0 ? advanceWatermark(state, p[excess - 1]!.ts, config, registryZone) : [];
  return { status: 'accepted', events };
}

/**
 * Settles everything at or before `watermarkMs` and returns the alerts it opened or closed.
 * `registryZone`: the meter's zone from the registry, for its night windows (resolveLeakSettings).
 */
export function advanceWatermark(state: LeakState, watermarkMs: number, config: LeakConfig, registryZone: string | null = null): AlertEvent[] {
  const ctx: LeakRuleContext = { meterId: state.meterId, sector: state.sector, settings: resolveLeakSettings(config, state.meterId, state.sector, registryZone), events: [] };
  const maxGapMs = ctx.settings.maxGapSeconds * 1000;
  while (state.pending.length > 0 && state.pending[0]!.ts <= watermarkMs) {
    const next = state.pending.shift()!;
    if (state.last === null || state.frontier === null) {
      state.last = next;
      state.frontier = next.ts;
      continue;
    }
    for (const piece of flowBetween(state.last, state.frontier, next.ts, next, maxGapMs)) settlePiece(state, piece, ctx);
    state.last = next;
    state.frontier = next.ts;
  }
  if (state.last !== null && state.frontier !== null && watermarkMs > state.frontier) {
    for (const piece of flowBetween(state.last, state.frontier, watermarkMs, null, maxGapMs)) {
      settlePiece(state, piece, ctx);
      state.frontier = piece.to;
    }
  }
  return ctx.events;
}

/**
 * The event time at which `advanceWatermark` next has something to settle: the oldest pending
 * reading, else the next hour end or end of the hold (for the runtime's `nextDue`).
 */
export function nextDue(state: LeakState, config: LeakConfig, registryZone: string | null = null): number | null {
  if (state.pending.length > 0) return state.pending[0]!.ts;
  if (state.last === null || state.frontier === null) return null;
  const s = resolveLeakSettings(config, state.meterId, state.sector, registryZone);
  const holdEnd = state.last.ts + s.maxGapSeconds * 1000;
  const nextHour = Math.floor(state.frontier / hourMs) * hourMs + hourMs;
  return state.frontier < holdEnd && state.last.value !== null ? Math.min(nextHour, holdEnd) : Math.max(holdEnd + 1, state.frontier + 1);
}

/** Cuts a piece at hour ends and the night window's end, and hands each part to the rules. */
function settlePiece(state: LeakState, piece: FlowPiece, ctx: LeakRuleContext): void {
  let from = piece.from;
  while (from < piece.to) {
    const night = nightFlowWindow(state.night, from, ctx);
    const hourEnd = Math.floor(from / hourMs) * hourMs + hourMs;
    const to = Math.min(piece.to, hourEnd, night.end);
    const part: FlowPiece = { from, to, flowLpm: piece.flowLpm };
    continuousFlowPiece(state.continuous, part, ctx);
    burstPiece(state.burst, part, ctx);
    nightFlowPiece(state.night, part);
    if (to === hourEnd) continuousFlowHourEnd(state.continuous, hourEnd, ctx);
    if (to === night.end) nightFlowWindowEnd(state.night, ctx);
    from = to;
  }
}
