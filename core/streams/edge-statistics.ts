import { z } from 'zod';
import { meterKinds, type MeterKind } from '../contracts/meter-kind';
import { finiteNumber, idSchema, safeInteger, timestampSchema, unitSchema } from '../contracts/wire-fields';
import { defineTable } from '../questdb/table-spec';
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
