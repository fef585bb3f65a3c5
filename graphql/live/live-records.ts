import { z } from 'zod';
import { questdbTables, type MeterKind, type Reading } from '../../core/contracts';
import { parseJson } from '../../processors/command-log/command-event-schema';

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

// The shape processors put on the alerts topic: rowRecord(alertRow(event)), the alerts table's columns.
const alertRecord = z.object({
  table: z.literal(questdbTables.alerts.name).optional(),
  ts: z.number().int(),
  alert_id: z.string().min(1),
  meter_id: z.string().min(1),
  sector: nullableString,
  rule: z.string(),
  rule_kind: z.string(),
  severity: z.string(),
  state: z.string(),
  started_at: z.number().int(),
  ended_at: z.number().int().nullable().optional(),
  estimated_loss_l: nullableNumber,
  evidence: z.string().nullable().optional(),
});

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
  };
}

export function decodeAlert(value: Buffer | null): LiveAlert | null {
  const parsed = alertRecord.safeParse(parseJson(value));
  if (!parsed.success) return null;
  const a = parsed.data;
  return {
    alertId: a.alert_id,
    meterId: a.meter_id,
    sector: orNull(a.sector),
    rule: a.rule,
    ruleKind: a.rule_kind,
    severity: a.severity,
    state: a.state,
    startedAt: new Date(a.started_at),
    endedAt: a.ended_at == null ? null : new Date(a.ended_at),
    estimatedLossL: orNull(a.estimated_loss_l),
    evidence: a.evidence ?? '{}',
    at: new Date(a.ts),
  };
}
