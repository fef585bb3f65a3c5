import type { MeterKind } from '../../core/contracts/meter-kind';
import type { AlertEvent, AlertSeverity } from '../../core/streams/alerts';

/**
 * One meter's rule-engine state: plain JSON, bounded (pending samples up to the watermark, at
 * most maxPendingSamples = 2000,
 * a rate-of-rise window of minima, the last two bill periods, open alerts). Each rule keeps
 * its part under its id.
 */
export interface Sample {
  ts: number;
  /** The reading's instantaneous value (°C for a temperature sensor); null when it had none. */
  value: number | null;
}

export interface ThresholdState {
  /** When the breach began (not yet long enough to open). */
  pendingSince: number | null;
  /** When the clear condition began while open. */
  clearSince: number | null;
  /** Most extreme value seen since pendingSince. */
  peak: number | null;
  open: { startedAt: number } | null;
}

export interface RiseState {
  /** Ascending minima of the window (a monotonic deque). */
  minima: Sample[];
  open: { startedAt: number; fromValue: number } | null;
}

export interface SilentState {
  open: { startedAt: number } | null;
  /**
   * The meter's last gaps between settled readings, ms (at most silentGapsKept): its reporting
   * interval is learned from their median. Absent in checkpoints of earlier releases.
   */
  gaps?: number[];
  /** The median of `gaps`, recomputed when a gap is learned (the rule asks for it after every reading). */
  learnedMs?: number;
}

export interface BillPeriod {
  periodStart: number;
  periodEnd: number;
  amount: number;
  final: boolean;
}

export interface BillState {
  periods: BillPeriod[];
  /** Open bill-variation alerts by rule id: the period they are about. */
  open: Record<string, { periodStart: number; startedAt: number } | undefined>;
}

export interface MeterRuleState {
  v: 1;
  meterId: string;
  sector: string | null;
  kind: MeterKind | null;
  pending: Sample[];
  last: Sample | null;
  /** Samples at or before this instant are settled. */
  frontier: number | null;
  threshold: Record<string, ThresholdState | undefined>;
  rise: Record<string, RiseState | undefined>;
  silent: Record<string, SilentState | undefined>;
  bills: BillState;
  dropped: { duplicate: number; late: number };
  /**
   * The reporting interval the meter's registry record states (registerMeter
   * reportingIntervalS), set by the alerts processor from the registry; absent = not stated.
   */
  registeredIntervalMs?: number;
}

export interface RuleContext {
  meterId: string;
  sector: string | null;
  events: AlertEvent[];
  /** MeterRuleState.registeredIntervalMs. */
  registeredIntervalMs?: number;
}

export function createRuleState(meterId: string, sector: string | null = null): MeterRuleState {
  return {
    v: 1,
    meterId,
    sector,
    kind: null,
    pending: [],
    last: null,
    frontier: null,
    threshold: {},
    rise: {},
    silent: {},
    bills: { periods: [], open: {} },
    dropped: { duplicate: 0, late: 0 },
  };
}

export type { AlertSeverity };
