import { z } from 'zod';
import { meterKinds, type MeterKind } from '../contracts/meter-kind';
import { finiteNumber, idSchema, safeInteger, timestampSchema, unitSchema } from '../contracts/wire-fields';
import { defineTable, sqlColumns, type StoredRow } from '../questdb/table-spec';
import { decodeRecord } from './stream-record';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

// The edge-statistics stream: interval summaries (count, min, max, mean) an edge node computes
// from its own raw samples, so it can keep its raw data and send these instead. The bridge
// validates them against wireEdgeStatsSchema (core/contracts/device-message.ts) and writes one
// EdgeStats record per summary; the sink stores them.

export const wireEdgeStatsSchema = z
  .object({
    meterId: idSchema.optional(),
    kind: z.enum(meterKinds),
    from: timestampSchema,
    to: timestampSchema,
    count: safeInteger().positive(),
    min: finiteNumber(),
    max: finiteNumber(),
    mean: finiteNumber(),
    unit: unitSchema.optional(),
    sector: idSchema.optional(),
  })
  .strict();

export type WireEdgeStats = z.infer<typeof wireEdgeStatsSchema>;

/** Validated edge statistics over [from, to). */
export interface EdgeStats {
  meterId: string;
  kind: MeterKind;
  from: number;
  to: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  unit: string;
  sector: string | null;
  receivedAt: number;
}

/**
 * The record on the edge-stats topic (key: meter id): an EdgeStats as JSON, written by the
 * bridge. Consumers (the edge-statistics alerts, the API's live feed) decode it here, once.
 */
export const edgeStatsRecordSchema = z.object({
  meterId: z.string().min(1).max(128),
  kind: z.enum(meterKinds),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  min: z.number().finite(),
  max: z.number().finite(),
  mean: z.number().finite(),
  unit: z.string().max(32),
  sector: z.string().nullable(),
  receivedAt: z.number().int().nonnegative(),
});

/** The summary a record of the edge-stats topic holds; throws STREAM_RECORD_INVALID naming the field. */
export function decodeEdgeStats(value: Buffer | string | null): EdgeStats {
  const r = decodeRecord('edge-stats', edgeStatsRecordSchema, value);
  return { meterId: r.meterId, kind: r.kind, from: r.from, to: r.to, count: r.count, min: r.min, max: r.max, mean: r.mean, unit: r.unit, sector: r.sector, receivedAt: r.receivedAt };
}

/** The instant an interval stands for in rate computations: its midpoint. */
export function intervalMidpoint(s: Pick<EdgeStats, 'from' | 'to'>): number {
  return (s.from + s.to) / 2;
}

export function edgeStatisticsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'edge-stats', partitions, 7, 'Validated edge statistics (key: meter id)');
}

export const edgeStatisticsTable = defineTable({
  name: 'edge_stats',
  description: 'Interval statistics sent by edge nodes. Key: (ts = interval start, meter_id).',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    kind: 'SYMBOL CAPACITY 8 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    interval_end: 'TIMESTAMP',
    count: 'LONG',
    min: 'DOUBLE',
    max: 'DOUBLE',
    mean: 'DOUBLE',
    unit: 'SYMBOL CAPACITY 32 CACHE',
    received_at: 'TIMESTAMP',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'meter_id'],
});

/** The columns a summary is read back with: `SELECT ${storedEdgeStatsColumns} FROM edge_stats …`. */
export const storedEdgeStatsColumns = sqlColumns(edgeStatisticsTable, ['ts', 'meter_id', 'kind', 'sector', 'interval_end', 'count', 'min', 'max', 'mean', 'unit', 'received_at']);

/** A row of storedEdgeStatsColumns as the PG wire returns it: timestamps as Date, LONG as string. */
export type StoredEdgeStatsRow = StoredRow<
  typeof edgeStatisticsTable,
  { ts: Date; meter_id: string; kind: string; sector: string | null; interval_end: Date; count: string | number; min: number; max: number; mean: number; unit: string | null; received_at: Date }
>;

/** A stored summary as the API returns it (the EdgeStatistics type). */
export interface StoredEdgeStats {
  meterId: string;
  kind: string;
  sector: string | null;
  from: Date;
  to: Date;
  count: number;
  min: number;
  max: number;
  mean: number;
  unit: string | null;
  receivedAt: Date;
}

export function storedEdgeStatsFromRow(r: StoredEdgeStatsRow): StoredEdgeStats {
  return { meterId: r.meter_id, kind: r.kind, sector: r.sector, from: r.ts, to: r.interval_end, count: Number(r.count), min: r.min, max: r.max, mean: r.mean, unit: r.unit, receivedAt: r.received_at };
}

/** A summary of the topic as the API returns it (live subscription). */
export function toStoredEdgeStats(s: EdgeStats): StoredEdgeStats {
  return { meterId: s.meterId, kind: s.kind, sector: s.sector, from: new Date(s.from), to: new Date(s.to), count: s.count, min: s.min, max: s.max, mean: s.mean, unit: s.unit || null, receivedAt: new Date(s.receivedAt) };
}
