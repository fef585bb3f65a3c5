import { z } from 'zod';
import { meterKinds, type MeterKind } from '../../core/contracts';
import { isMeterflowError } from '../../core/errors';
import { decodeAlert, type AlertEvent } from '../../core/streams/alerts';

/** A reading as Subscription.meterReadings sends it: the fields of the Reading type. */
export interface LiveReading {
  meterId: string;
  kind: MeterKind;
  ts: Date;
  value: number | null;
  valueUnit: string | null;
  register: number | null;
  registerUnit: string | null;
  seq: number | null;
  sector: string | null;
  receivedAt: Date | null;
}

/** An alert transition as Subscription.alerts sends it (the AlertEvent type). */
export interface LiveAlert {
  alertId: string;
  meterId: string;
  sector: string | null;
  rule: string;
  ruleKind: string;
  severity: string;
  state: string;
  startedAt: Date;
  endedAt: Date | null;
  estimatedLossL: number | null;
  /** The rule's numbers, as a JSON object string. */
  evidence: string;
  at: Date;
}

const nullableNumber = z.number().finite().nullable().optional();
const nullableString = z.string().nullable().optional();

// The shape the bridge puts on the readings topic (core/contracts Reading).
const readingRecord = z.object({
  meterId: z.string().min(1),
  kind: z.enum(meterKinds),
  ts: z.number().int(),
  value: nullableNumber,
  valueUnit: nullableString,
  register: nullableNumber,
  registerUnit: nullableString,
  seq: nullableNumber,
  sector: nullableString,
  receivedAt: z.number().int().nullable().optional(),
});

function parseJson(value: Buffer | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined || value === '' ? null : value);

export function decodeReading(value: Buffer | null): LiveReading | null {
  const parsed = readingRecord.safeParse(parseJson(value));
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    meterId: r.meterId,
    kind: r.kind,
    ts: new Date(r.ts),
    value: orNull(r.value),
    valueUnit: orNull(r.valueUnit),
    register: orNull(r.register),
    registerUnit: orNull(r.registerUnit),
    seq: orNull(r.seq),
    sector: orNull(r.sector),
    receivedAt: r.receivedAt == null ? null : new Date(r.receivedAt),
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
