import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable, sqlColumns, type StoredRow } from '../questdb/table-spec';
import { checkRecord, decodeRecord } from './stream-record';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The alerts stream: the one definition of an alert that leak detection, the rule engine,
 * billing, group comparison, the webhook, the API's alert actions and its live feed share.
 * Processors emit `open` and `closed`; `acknowledged` is set by an admin through the API
 * later, never by a processor.
 *
 * Record on the topic (key: meter id, JSON): the alerts table's row flattened, i.e.
 * `{ table: 'alerts', ts, alert_id, meter_id, sector?, rule, rule_kind, severity, state,
 * started_at, ended_at, estimated_loss_l, evidence }` with times in epoch ms and evidence a
 * JSON object string, so an outside consumer reads the same column names as the table.
 */
export const alertStates = ['open', 'acknowledged', 'closed'] as const;
export type AlertState = (typeof alertStates)[number];

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** The rule families; `rule` on an event is the configured rule's id (several rules may share a kind). */
export const alertRuleKinds = [
  'continuous-flow',
  'night-flow',
  'burst',
  'threshold',
  'rate-of-rise',
  'silent-meter',
  'above-group-average',
  'bill-variation',
  'register-anomaly',
] as const;
export type AlertRuleKind = (typeof alertRuleKinds)[number];

/** The numbers behind an alert: flat, JSON-safe. */
export type AlertEvidence = Record<string, number | string | boolean | null>;

export interface AlertEvent {
  /** Deterministic: hash of (meterId, rule, startedAt), so a replay yields the same id. */
  alertId: string;
  meterId: string;
  sector: string | null;
  /** The rule's id, e.g. `continuous-flow` or a configured `fridge-too-warm`. */
  rule: string;
  ruleKind: AlertRuleKind;
  severity: AlertSeverity;
  state: AlertState;
  /** Event time (epoch ms) at which the condition began. */
  startedAt: number;
  /** Event time at which the condition ended; set on `closed`. */
  endedAt?: number;
  evidence: AlertEvidence;
  /** Water (or other volume) lost, litres, where the rule can estimate it. */
  estimatedLossL?: number;
  /** Event time of this emission (never wall-clock time): the instant the transition became certain. */
  at: number;
}

/** 32 hex characters of SHA-256 over meter, rule and start time. */
export function alertId(meterId: string, rule: string, startedAt: number): string {
  return createHash('sha256').update(`${meterId}\u0000${rule}\u0000${startedAt}`).digest('hex').slice(0, 32);
}

/** Rounds litres and flows for evidence: 3 decimals are plenty and keep replays byte-identical. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function alertsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'alerts', partitions, 30, 'Alerts raised by processors (key: meter id)');
}

export const alertsTable = defineTable({
  name: 'alerts',
  description: 'Alert transitions (open, closed; acknowledged comes from the API) from leak detection and the rule engine. Key: (ts = event time of the transition, alert_id, state).',
  columns: {
    ts: 'TIMESTAMP',
    alert_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    rule: 'SYMBOL CAPACITY 64 CACHE',
    rule_kind: 'SYMBOL CAPACITY 16 CACHE',
    severity: 'SYMBOL CAPACITY 4 CACHE',
    state: 'SYMBOL CAPACITY 4 CACHE',
    started_at: 'TIMESTAMP',
    ended_at: 'TIMESTAMP',
    estimated_loss_l: 'DOUBLE',
    evidence: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'alert_id', 'state'],
});

/** An alert transition as a row of the alerts table (ts = event time of the transition). */
export function alertToRow(event: AlertEvent): TableRow {
  return {
    table: alertsTable.name,
    ts: event.at,
    symbols: { alert_id: event.alertId, meter_id: event.meterId, rule: event.rule, rule_kind: event.ruleKind, severity: event.severity, state: event.state, ...(event.sector ? { sector: event.sector } : {}) },
    values: {
      started_at: event.startedAt,
      ended_at: event.endedAt ?? null,
      estimated_loss_l: event.estimatedLossL ?? null,
      evidence: JSON.stringify(event.evidence),
    },
    types: { started_at: 'timestamp', ended_at: 'timestamp' },
  } satisfies TableRowOf<typeof alertsTable>;
}

/** The record on the alerts topic: the row's columns flattened (see the module comment). */
export const alertRecordSchema = z.object({
  table: z.literal(alertsTable.name).optional(),
  ts: z.number().int().nonnegative(),
  alert_id: z.string().min(1).max(128),
  meter_id: z.string().min(1).max(128),
  sector: z.string().nullable().optional(),
  rule: z.string().min(1).max(128),
  rule_kind: z.enum(alertRuleKinds),
  severity: z.enum(alertSeverities),
  state: z.enum(alertStates),
  started_at: z.number().int().nonnegative(),
  ended_at: z.number().int().nonnegative().nullable().optional(),
  estimated_loss_l: z.number().finite().nullable().optional(),
  evidence: z
    .string()
    .nullable()
    .optional()
    .refine((text) => text == null || isEvidence(text), 'must be a JSON object string of numbers, strings, booleans or nulls'),
});
export type AlertRecord = z.infer<typeof alertRecordSchema>;

function isEvidence(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => v === null || ['number', 'string', 'boolean'].includes(typeof v));
  } catch {
    return false;
  }
}

/** The record an alert transition is published as. */
export function encodeAlert(event: AlertEvent): string {
  const row = alertToRow(event);
  return JSON.stringify({ table: row.table, ts: row.ts, ...row.symbols, ...row.values });
}

/** The alert transition a record holds; throws STREAM_RECORD_INVALID naming the field when it is not one. */
export function decodeAlert(value: Buffer | string | null): AlertEvent {
  return alertFromRecord(decodeRecord('alerts', alertRecordSchema, value));
}

/** An alert from the flattened columns, of a topic record or of an alerts table row. */
export function alertFromRecord(r: AlertRecord): AlertEvent {
  return {
    alertId: r.alert_id,
    meterId: r.meter_id,
    sector: r.sector || null,
    rule: r.rule,
    ruleKind: r.rule_kind,
    severity: r.severity,
    state: r.state,
    startedAt: r.started_at,
    ...(r.ended_at != null ? { endedAt: r.ended_at } : {}),
    evidence: r.evidence ? (JSON.parse(r.evidence) as AlertEvidence) : {},
    ...(r.estimated_loss_l != null ? { estimatedLossL: r.estimated_loss_l } : {}),
    at: r.ts,
  };
}

/** The alert that flattened columns hold (a record, or a stored row read back); throws STREAM_RECORD_INVALID naming the field. */
export function alertFromColumns(columns: unknown): AlertEvent {
  return alertFromRecord(checkRecord('alerts', alertRecordSchema, columns));
}

/** The alert a row built by alertToRow holds (the webhook notifies from the rows a processor flushed). */
export function alertFromRow(row: TableRow): AlertEvent {
  return alertFromColumns({ table: row.table, ts: row.ts, ...row.symbols, ...row.values });
}

/** The columns an alert row is read back with: `SELECT ${storedAlertColumns} FROM alerts …`. */
export const storedAlertColumns = sqlColumns(alertsTable, [
  'ts', 'alert_id', 'meter_id', 'sector', 'rule', 'rule_kind', 'severity', 'state', 'started_at', 'ended_at', 'estimated_loss_l', 'evidence',
]);

/** A row of storedAlertColumns as the PG wire returns it: timestamps as Date. */
export type StoredAlertRow = StoredRow<
  typeof alertsTable,
  {
    ts: Date;
    alert_id: string;
    meter_id: string;
    sector: string | null;
    rule: string;
    rule_kind: string;
    severity: string;
    state: string;
    started_at: Date | null;
    ended_at: Date | null;
    estimated_loss_l: number | null;
    evidence: string | null;
  }
>;

/** One stored transition of an alert; the latest one (LATEST ON ts PARTITION BY alert_id) is its current state. */
export interface StoredAlert {
  alertId: string;
  meterId: string;
  sector: string | null;
  rule: string;
  ruleKind: string;
  severity: string;
  /** As stored: open, acknowledged or closed. */
  state: string;
  startedAt: Date | null;
  endedAt: Date | null;
  estimatedLossL: number | null;
  /** The evidence JSON as stored. */
  evidence: string | null;
  /** When this transition happened (the row's ts). */
  updatedAt: Date;
}

export function storedAlertFromRow(r: StoredAlertRow): StoredAlert {
  return {
    alertId: r.alert_id,
    meterId: r.meter_id,
    sector: r.sector,
    rule: r.rule,
    ruleKind: r.rule_kind,
    severity: r.severity,
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    estimatedLossL: r.estimated_loss_l,
    evidence: r.evidence,
    updatedAt: r.ts,
  };
}
