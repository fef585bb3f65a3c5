import type { Reading } from '../../../../core/contracts';
import type { AlertEvent } from '../../../../core/streams/alerts';
import { advanceWatermark, applyReading, createLeakState, type LeakConfig, type LeakState } from '../../../../processors/leak-detection';

export const minute = 60_000;
export const hour = 3_600_000;
export const at = (iso: string) => Date.parse(iso);
export const iso = (ts: number) => new Date(ts).toISOString();

export function water(meterId: string, ts: number, value: number | null, register: number | null = null, sector: string | null = 's1'): Reading {
  return { meterId, kind: 'water', ts, value, valueUnit: 'L/min', register, registerUnit: 'L', seq: null, sector, receivedAt: ts };
}

/** One reading per `stepMs` over [from, to), flow given by `flowAt(ts)`. */
export function series(meterId: string, from: number, to: number, stepMs: number, flowAt: (ts: number) => number): Reading[] {
  const out: Reading[] = [];
  for (let ts = from; ts < to; ts += stepMs) out.push(water(meterId, ts, flowAt(ts)));
  return out;
}

/**
 * Drives one meter like the runtime: readings in the given (offset) order, the watermark at
 * the highest event time seen minus `latenessMs` after each, then a final watermark.
 */
export function drive(readings: Reading[], config: LeakConfig, opts: { latenessMs?: number; finalWatermark?: number; state?: LeakState } = {}) {
  const state = opts.state ?? createLeakState(readings[0]!.meterId);
  const events: AlertEvent[] = [];
  const statuses: string[] = [];
  let maxTs = -Infinity;
  for (const r of readings) {
    const applied = applyReading(state, r, config);
    statuses.push(applied.status);
    events.push(...applied.events);
    maxTs = Math.max(maxTs, r.ts);
    events.push(...advanceWatermark(state, maxTs - (opts.latenessMs ?? 0), config));
  }
  if (opts.finalWatermark !== undefined) events.push(...advanceWatermark(state, opts.finalWatermark, config));
  return { state, events, statuses };
}

export const byTime = (a: AlertEvent, b: AlertEvent) => a.at - b.at || a.alertId.localeCompare(b.alertId) || a.state.localeCompare(b.state);
