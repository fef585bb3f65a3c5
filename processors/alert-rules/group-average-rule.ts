import { alertId, round3, type AlertEvent } from '../../core/streams/alerts';
import type { MeterKind } from '../../core/contracts/meter-kind';
import { rulesFor, type AlertRulesConfig, type GroupAverageRule } from './rule-config';

/**
 * Above the group average by a factor (a meter consuming more than its sector's or the
 * fleet's average). Keyed by group — a sector id, or `fleet` — not by
 * meter: the runtime routes each meter's window consumption to its sector's key and to
 * `fleet`, and each aggregate (from the aggregates processor) to its group's key. The two are
 * joined per window; whichever arrives second triggers the comparison. A meter's alert opens
 * on the first window with consumption > factor × average (startedAt = window start, at =
 * window end), stays open while later windows exceed, and closes at the end of the first
 * window that does not. Inputs per group are expected in window order; at most `maxWindows`
 * windows wait for their other half.
 */
export interface MeterWindowInput {
  type: 'meter-window';
  meterId: string;
  sector: string | null;
  windowStart: number;
  windowEnd: number;
  /** The meter's consumption over the window (L, kWh…). */
  consumption: number;
  /** For rules restricted by `appliesTo.kinds`. */
  kind?: MeterKind;
}

export interface GroupWindowInput {
  type: 'group-window';
  /** A sector id, or 'fleet'. */
  group: string;
  windowStart: number;
  windowEnd: number;
  /** Mean consumption per meter over the window. */
  average: number;
  meterCount: number;
}

export type GroupInput = MeterWindowInput | GroupWindowInput;

interface WindowSlot {
  windowStart: number;
  windowEnd: number;
  aggregate: { average: number; meterCount: number } | null;
  /** Meters waiting for the aggregate. */
  meters: Record<string, { consumption: number; sector: string | null; kind: MeterKind | null } | undefined>;
}

/** Bound per group: ≤ maxWindows (4) window slots, and one open-alert entry per member meter. */
export interface GroupState {
  v: 1;
  group: string;
  windows: WindowSlot[];
  /** Open alerts by `${ruleId}\u0000${meterId}`. */
  open: Record<string, { startedAt: number } | undefined>;
}

export const fleetGroup = 'fleet';
const maxWindows = 4;

export function createGroupState(group: string): GroupState {
  return { v: 1, group, windows: [], open: {} };
}

export function applyGroupInput(state: GroupState, input: GroupInput, config: AlertRulesConfig): AlertEvent[] {
  const events: AlertEvent[] = [];
  let slot = state.windows.find((w) => w.windowStart === input.windowStart);
  if (!slot) {
    slot = { windowStart: input.windowStart, windowEnd: input.windowEnd, aggregate: null, meters: {} };
    state.windows.push(slot);
    state.windows.sort((a, b) => a.windowStart - b.windowStart);
    if (state.windows.length > maxWindows) state.windows.splice(0, state.windows.length - maxWindows);
  }
  if (input.type === 'group-window') {
    if (input.group !== state.group) return events;
    slot.aggregate = { average: input.average, meterCount: input.meterCount };
    for (const [meterId, m] of Object.entries(slot.meters)) if (m) compare(state, slot, meterId, m.sector, m.kind, m.consumption, config, events);
    slot.meters = {};
  } else if (slot.aggregate) {
    compare(state, slot, input.meterId, input.sector, input.kind ?? null, input.consumption, config, events);
  } else {
    slot.meters[input.meterId] = { consumption: input.consumption, sector: input.sector, kind: input.kind ?? null };
  }
  return events;
}

function compare(state: GroupState, slot: WindowSlot, meterId: string, sector: string | null, kind: MeterKind | null, consumption: number, config: AlertRulesConfig, events: AlertEvent[]): void {
  const scope = state.group === fleetGroup ? 'fleet' : 'sector';
  const agg = slot.aggregate!;
  for (const rule of rulesFor(config, meterId, sector, kind)) {
    if (rule.kind !== 'above-group-average' || rule.scope !== scope) continue;
    if (scope === 'sector' && sector !== state.group) continue;
    evaluate(state, rule, slot, agg, meterId, sector, consumption, events);
  }
}

function evaluate(state: GroupState, rule: GroupAverageRule, slot: WindowSlot, agg: { average: number; meterCount: number }, meterId: string, sector: string | null, consumption: number, events: AlertEvent[]): void {
  if (agg.meterCount < rule.minGroupSize || !(agg.average > 0)) return;
  const key = `${rule.id}\u0000${meterId}`;
  const open = state.open[key];
  const ratio = consumption / agg.average;
  const exceeds = ratio > rule.factor;
  const evidence = { consumption: round3(consumption), groupAverage: round3(agg.average), ratio: round3(ratio), factor: rule.factor, group: state.group, meterCount: agg.meterCount, windowStart: slot.windowStart, windowEnd: slot.windowEnd };
  const base = { meterId, sector, rule: rule.id, ruleKind: 'above-group-average' as const, severity: rule.severity };
  if (exceeds && !open) {
    state.open[key] = { startedAt: slot.windowStart };
    events.push({ ...base, alertId: alertId(meterId, rule.id, slot.windowStart), state: 'open', startedAt: slot.windowStart, evidence, at: slot.windowEnd });
  } else if (!exceeds && open) {
    events.push({ ...base, alertId: alertId(meterId, rule.id, open.startedAt), state: 'closed', startedAt: open.startedAt, endedAt: slot.windowStart, evidence, at: slot.windowEnd });
    delete state.open[key];
  }
}
