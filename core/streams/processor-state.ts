import { defineTable } from '../questdb/table-spec';

// Processor state: each processor's keyed state, checkpointed with the offset it holds up to, so
// a restarted or rebalanced partition resumes exactly where its results stopped. No topic: the
// runtime writes and reads it.

export const processorStateTable = defineTable({
  name: 'processor_state',
  description: 'Checkpointed processor state, one row per (processor = its consumer group, partition, key), upserted at every flush; ts is fixed (epoch) so DEDUP keeps only the latest. Key: (ts, processor, kafka_partition, state_key).',
  columns: {
    ts: 'TIMESTAMP',
    processor: 'SYMBOL CAPACITY 256 CACHE',
    kafka_partition: 'INT',
    state_key: 'SYMBOL CAPACITY 262144 NOCACHE',
    last_offset: 'LONG',
    stream_time: 'LONG',
    state: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'processor', 'kafka_partition', 'state_key'],
});
