import type { MeterKind, Reading } from '../../core/contracts';
import { isMeterflowError } from '../../core/errors';
import { decodeAlert, type AlertEvent, type StoredAlert } from '../../core/streams/alerts';
import type { StoredReading } from '../../core/streams/readings';

/** A reading as Subscription.meterReadings sends it: the fields of the Reading type, as stored (times as Date). */
export type LiveReading = Omit<StoredReading, 'kind'> & { kind: MeterKind };

/**
 * An alert transition as Subscription.alerts sends it (the AlertEvent type): a stored alert's
 * fields, except that a live transition always has its start and evidence, and carries the
 * instant it happened as `at`.
 */
export type LiveAlert = Omit<StoredAlert, 'startedAt' | 'evidence' | 'updatedAt'> & {
  startedAt: Date;
  /** The rule's numbers, as a JSON object string. */
  evidence: string;
  at: Date;
};

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined || value === '' ? null : value);

/** A reading of the readings stream (decoded by core/streams/readings.ts) as the subscription sends it. */
export function toLiveReading(r: Reading): LiveReading {
  return {
    meterId: r.meterId,
    kind: r.kind,
    ts: new Date(r.ts),
    value: r.value,
    valueUnit: orNull(r.valueUnit),
    register: r.register,
    registerUnit: orNull(r.registerUnit),
    seq: r.seq,
    sector: orNull(r.sector),
    receivedAt: new Date(r.receivedAt),
    source: r.source ?? null,
  };
}

/** The alert a record of the alerts topic holds, or null when the stream's codec refuses it. */
export function decodeLiveAlert(value: Buffer | null): LiveAlert | null {
  let a: AlertEvent;
  try {
    a = decodeAlert(value);
  } catch (error) {
    if (isMeterflowError(error, 'STREAM_RECORD_INVALID')) return null;
    throw error;
  }
  return {
    alertId: a.alertId,
    meterId: a.meterId,
    sector: a.sector,
    rule: a.rule,
    ruleKind: a.ruleKind,
    severity: a.severity,
    state: a.state,
    startedAt: new Date(a.startedAt),
    endedAt: a.endedAt === undefined ? null : new Date(a.endedAt),
    estimatedLossL: a.estimatedLossL ?? null,
    evidence: JSON.stringify(a.evidence),
    at: new Date(a.at),
  };
}
