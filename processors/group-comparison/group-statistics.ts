import type { MeterKind } from '../../core/contracts/meter-kind';
import type { AlertEvent } from '../../core/streams/alerts';
import { applyGroupInput, createGroupState, fleetGroup, type GroupState } from '../alert-rules/group-average-rule';
import type { AlertRulesConfig } from '../alert-rules/rule-config';

/** One meter's closed window as read from rolling_averages (rates in the meter's value unit). */
export interface MeterWindow {
  meterId: string;
  /** The sector the meter's own readings claim (payload): trusted only for unregistered meters. */
  sector: string | null;
  mean: number;
  min: number;
  max: number;
}

/** The meter's record in meter_registry (latest change at or before the window end). */
export interface RegistryEntry {
  sector: string | null;
  kind: MeterKind | null;
}

export interface GroupMember {
  meterId: string;
  /** Registry sector for a registered meter, payload sector otherwise. */
  sector: string | null;
  kind: MeterKind | null;
  mean: number;
}

export interface ExcludedWindow {
  meterId: string;
  reason: 'negative' | 'implausible' | 'not-consumption';
}

export interface GroupStatisticsOptions {
  /**
   * Highest plausible mean rate of one meter over a window, in its value unit (L/min, kW,
   * m³/h). @default 10000 — above any single service connection (a DN150 water meter's Q4
   * is 630 m³/h ≈ 10,500 L/min); a value beyond it is a broken or hostile device.
   */
  maxPlausibleRate: number;
}

export const defaultGroupStatisticsOptions: GroupStatisticsOptions = { maxPlausibleRate: 10_000 };

/**
 * Which windows take part in the group statistics, in which sector.
 * - A window with any negative rate is not consumption (a register never runs backwards:
 *   a decrease is a wrap, a replacement or a fault, never negative consumption): excluded, otherwise one meter
 *   reporting −1000 would pull the average near zero and every honest meter above it.
 * - A mean that is not finite or above `maxPlausibleRate` is excluded (not a real connection).
 * - Temperature meters measure a level, not consumption: never compared.
 * - The sector is the registry's when the meter is registered (an operator said so); the
 *   payload's only for meters the registry does not know, so a device cannot move itself
 *   into another sector.
 */
export function selectMembers(
  windows: readonly MeterWindow[],
  registry: ReadonlyMap<string, RegistryEntry>,
  options: GroupStatisticsOptions = defaultGroupStatisticsOptions,
): { members: GroupMember[]; excluded: ExcludedWindow[] } {
  const members: GroupMember[] = [];
  const excluded: ExcludedWindow[] = [];
  for (const w of windows) {
    const registered = registry.get(w.meterId);
    const kind = registered?.kind ?? null;
    if (kind === 'temperature') excluded.push({ meterId: w.meterId, reason: 'not-consumption' });
    else if (!(w.min >= 0) || !(w.mean >= 0)) excluded.push({ meterId: w.meterId, reason: 'negative' });
    else if (!Number.isFinite(w.mean) || !Number.isFinite(w.max) || w.mean > options.maxPlausibleRate) excluded.push({ meterId: w.meterId, reason: 'implausible' });
    else members.push({ meterId: w.meterId, sector: registered ? registered.sector : w.sector, kind, mean: w.mean });
  }
  return { members, excluded };
}

/**
 * The group's average per meter: a trimmed mean that drops the k lowest and k highest values,
 * k = max(1, floor(n / 4)) for n ≥ 3 (n < 3: the plain mean; such groups are below any
 * `minGroupSize` anyway). So with 3 meters it is the median, with 4–7 it drops one at each
 * end, and in general up to a quarter of a group at either end cannot move it.
 *
 * Why trimmed, not the median: the rule compares a meter with "the average" (the fleet or
 * sector average), and a trimmed mean stays a mean of real consumptions (it uses half or more of the
 * group, so it varies smoothly as meters change) while a single meter, however extreme,
 * can only move it to within the range of the others. The median would ignore all but one or
 * two values and jump between them.
 */
export function trimmedMean(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const k = n >= 3 ? Math.max(1, Math.floor(n / 4)) : 0;
  const kept = sorted.slice(k, n - k);
  return kept.reduce((sum, v) => sum + v, 0) / kept.length;
}

/**
 * Compares one closed window of every meter with its groups (the fleet, and its sector): the
 * windows that count are chosen by `selectMembers`, each group's average is their trimmed mean,
 * consumption is mean rate × window length. `groups` holds the group-keyed rule state (open
 * alerts), updated in place. Returns the alert transitions and the windows left out.
 */
export function compareWindow(
  groups: Record<string, GroupState>,
  window: { windowStart: number; windowEnd: number },
  windows: readonly MeterWindow[],
  registry: ReadonlyMap<string, RegistryEntry>,
  rules: AlertRulesConfig,
  options: GroupStatisticsOptions = defaultGroupStatisticsOptions,
): { events: AlertEvent[]; excluded: ExcludedWindow[] } {
  const minutes = (window.windowEnd - window.windowStart) / 60_000;
  const { members, excluded } = selectMembers(windows, registry, options);
  const bySector = new Map<string, GroupMember[]>();
  for (const m of members) if (m.sector) bySector.set(m.sector, [...(bySector.get(m.sector) ?? []), m]);
  const events: AlertEvent[] = [];
  for (const [group, groupMembers] of [[fleetGroup, members] as const, ...bySector]) {
    const g = (groups[group] ??= createGroupState(group));
    const average = trimmedMean(groupMembers.map((m) => m.mean)) * minutes;
    events.push(...applyGroupInput(g, { type: 'group-window', group, ...window, average, meterCount: groupMembers.length }, rules));
    for (const m of groupMembers) {
      events.push(...applyGroupInput(g, { type: 'meter-window', meterId: m.meterId, sector: m.sector, ...window, consumption: m.mean * minutes, ...(m.kind ? { kind: m.kind } : {}) }, rules));
    }
    // A group's slots only matter for the window being compared: keep the state small.
    g.windows = g.windows.filter((w) => w.windowEnd >= window.windowEnd);
  }
  return { events, excluded };
}
