import type { TableSpec } from '../questdb/table-spec';

// Processor state: each processor's keyed state, checkpointed with the offset it holds up to, so
// a restarted or rebalanced partition resumes exactly where its results stopped. No topic: the
// runtime writes and reads it.

export const processorStateTable = {
  name: 'processor_state',
  description:
    'Checkpointed processor state, one row per (processor = its consumer group, partition, key), upserted at every flush; ts is fixed (epoch) so DEDUP keeps only the latest. Key: (ts, processor, kafka_partition, state_key).',
  ddl: `CREATE TABLE IF NOT EXISTS processor_state (
  ts TIMESTAMP,
  processor SYMBOL CAPACITY 256 CACHE,
  kafka_partition INT,
  state_key SYMBOL CAPACITY 262144 NOCACHE,
  last_offset LONG,
  stream_time LONG,
  state VARCHAR
) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, processor, kafka_partition, state_key)`,
} as const satisfies TableSpec;
