import { defineTable } from '../questdb/table-spec';

// Late readings: a reading that arrived after a window it belongs to was emitted (or that a
// bill refused). The processors cannot change what they emitted, so they record the reading
// here, per processor, for dashboards and for reprocessing by hand. No topic: only the
// processors write it.
//
// The designated timestamp is the reading's ARRIVAL (its receivedAt), not its event time: the
// table keeps 30 days of evidence counted from when it happened. Keyed by event time, a replay or
// an import of last year's readings was dropped by the TTL as soon as it was written.

export const lateReadingsTable = defineTable({
  name: 'late_readings',
  description: 'Readings that arrived after windows they belong to were emitted, per processor; kept 30 days after arrival. Key: (ts = arrival time, meter_id, processor, reading_ts = event time).',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    processor: 'SYMBOL CAPACITY 16 CACHE',
    detail: 'VARCHAR',
    watermark: 'TIMESTAMP',
    kafka_partition: 'INT',
    kafka_offset: 'LONG',
    // Last, so a table an earlier release created (ts was the event time then) upgrades to the same column order.
    reading_ts: 'TIMESTAMP',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  ttl: '30 DAYS',
  dedupKeys: ['ts', 'meter_id', 'processor', 'reading_ts'],
  upgrades: {
    statements: ['ALTER TABLE late_readings ADD COLUMN IF NOT EXISTS reading_ts TIMESTAMP', 'ALTER TABLE late_readings DEDUP ENABLE UPSERT KEYS(ts, meter_id, processor, reading_ts)'],
    upToDate: `SELECT 1 FROM table_columns('late_readings') WHERE "column" = 'reading_ts' AND upsertKey`,
  },
});
