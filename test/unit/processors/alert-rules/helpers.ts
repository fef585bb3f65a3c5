import type { Reading } from '../../../../core/contracts';
import type { MeterKind } from '../../../../core/contracts/meter-kind';
import { advanceRuleWatermark, applyRuleInput, createRuleState, type AlertEvent, type AlertRulesConfig, type MeterRuleState } from '../../../../processors/alert-rules';

export const minute = 60_000;
export const T0 = Date.parse('2026-07-01T00:00:00Z');
export const m = (minutes: number) => T0 + minutes * minute;

export function reading(meterId: string, ts: number, value: number | null, kind: MeterKind = 'temperature', sector: string | null = 'kitchen'): Reading {
  return { meterId, kind, ts, value, valueUnit: kind === 'temperature' ? 'degC' : 'L/min', register: null, registerUnit: '', seq: null, sector, receivedAt: ts };
}

/** One reading per minute from minute `from` (inclusive) to `to` (exclusive), value by minute. */
export function perMinute(meterId: string, from: number, to: number, valueAt: (minute: number) => number): Reading[] {
  const out: Reading[] = [];
  for (let k = from; k < to; k++) out.push(reading(meterId, m(k), valueAt(k)));
  return out;
}

/** As the runtime: readings in order, watermark = max event time − lateness after each. */
export function drive(readings: Reading[], config: AlertRulesConfig, opts: { latenessMs?: number; finalWatermark?: number; state?: MeterRuleState } = {}) {
  const state = opts.state ?? createRuleState(readings[0]!.meterId);
  const events: AlertEvent[] = [];
  let maxTs = -Infinity;
  for (const r of readings) {
    events.push(...applyRuleInput(state, { type: 'reading', reading: r }, config).events);
    maxTs = Math.max(maxTs, r.ts);
    events.push(...advanceRuleWatermark(state, maxTs - (opts.latenessMs ?? 0), config));
  }
  if (opts.finalWatermark !== undefined) events.push(...advanceRuleWatermark(state, opts.finalWatermark, config));
  return { state, events };
}

export const summary = (events: AlertEvent[]) => events.map((e) => [e.rule, e.state, (e.startedAt - T0) / minute, (e.at - T0) / minute]);
