import type { TableSpec } from '../questdb/table-spec';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The edge-statistics stream: interval summaries (count, min, max, mean) an edge node computes
 * from its own raw samples. The bridge validates them (core/contracts/reading.ts
 * wireEdgeStatsSchema, EdgeStats) and writes one record per summary; the sink stores them.
 */
export function edgeStatisticsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'edge-stats', partitions, 7, 'Validated edge statistics (key: meter id)');
}

export const edgeStatisticsTable = {
  name: 'edge_stats',
  description: 'Interval statistics sent by edge nodes. Key: (ts = interval start, meter_id).',
  ddl: `CREATE TABLE IF NOT EXISTS edge_stats (
  ts TIMESTAMP,
  meter_id SYMBOL CAPACITY 65536 CACHE,
  kind SYMBOL CAPACITY 8 CACHE,
  sector SYMBOL CAPACITY 4096 CACHE,
  interval_end TIMESTAMP,
  count LONG,
  min DOUBLE,
  max DOUBLE,
  mean DOUBLE,
  unit SYMBOL CAPACITY 32 CACHE,
  received_at TIMESTAMP
) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, meter_id)`,
} satisfies TableSpec;
