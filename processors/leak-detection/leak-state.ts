import type { AlertEvent } from '../../core/streams/alerts';
import type { LeakSettings } from './leak-config';

/**
 * One water meter's leak-detection state: plain JSON (checkpointed as is in QuestDB's processor_state table) and
 * bounded — at most `windowHours` hourly buckets, one night window, the readings not yet
 * settled by the watermark (at most `maxPendingReadings`, default 2000: beyond it the oldest are
 * settled early), and the open alerts. No raw history is kept.
 */
export interface SettledReading {
  ts: number;
  /** Instantaneous flow, L/min. */
  value: number | null;
  /** Cumulative register, L. */
  register: number | null;
}

export interface HourBucket {
  /** Epoch hour start (UTC-aligned), ms. */
  start: number;
  volumeL: number;
  /** Milliseconds of the hour whose flow is known (no data gap). */
  knownMs: number;
}

export interface ContinuousFlowState {
  hours: HourBucket[];
  /** Start of the current unbroken run of zero flow; null while flowing or unknown. */
  zeroRunStart: number | null;
  /** Latest instant that ended an unbroken quiet hour (initially the start of monitoring). */
  lastQuietEnd: number | null;
  open: { startedAt: number; leakRateLph: number; openedAt: number } | null;
}

export interface NightFlowState {
  /** The current (or next) night window in event time; null before the first reading. */
  window: { start: number; end: number } | null;
  minFlowLpm: number | null;
  knownMs: number;
  open: { startedAt: number; minFlowLpm: number; nights: number; lastFlaggedEnd: number } | null;
}

export interface BurstState {
  runStart: number | null;
  runVolumeL: number;
  peakLpm: number;
  open: { startedAt: number } | null;
}

export interface LeakState {
  v: 1;
  meterId: string;
  sector: string | null;
  /** Readings after `frontier`, sorted by event time, awaiting the watermark. */
  pending: SettledReading[];
  /** The latest settled reading. */
  last: SettledReading | null;
  /** Flow is settled (final) for all event time before this instant. */
  frontier: number | null;
  continuous: ContinuousFlowState;
  night: NightFlowState;
  burst: BurstState;
  /** Readings dropped as duplicates or as later than the watermark (for metrics). */
  dropped: { duplicate: number; late: number };
}

/** A piece of settled time with one flow; `flowLpm` null = unknown (data gap). */
export interface FlowPiece {
  from: number;
  to: number;
  flowLpm: number | null;
}

/** What a rule needs while it consumes settled pieces. */
export interface LeakRuleContext {
  meterId: string;
  sector: string | null;
  settings: LeakSettings;
  events: AlertEvent[];
}

export function createLeakState(meterId: string, sector: string | null = null): LeakState {
  return {
    v: 1,
    meterId,
    sector,
    pending: [],
    last: null,
    frontier: null,
    continuous: { hours: [], zeroRunStart: null, lastQuietEnd: null, open: null },
    night: { window: null, minFlowLpm: null, knownMs: 0, open: null },
    burst: { runStart: null, runVolumeL: 0, peakLpm: 0, open: null },
    dropped: { duplicate: 0, late: 0 },
  };
}
