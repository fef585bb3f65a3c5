import { defineTable } from '../questdb/table-spec';

// Late readings: a reading that arrived after a window it belongs to was emitted. The
// processors cannot change what they emitted, so they record the reading here, per processor,
// for dashboards and for reprocessing by hand. No topic: only the processors write it.

export const lateReadingsTable = defineTable({
  name: 'late_readings',
  description: 'Readings that arrived after windows they belong to were emitted, per processor. Key: (ts = reading time, meter_id, processor).',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    processor: 'SYMBOL CAPACITY 16 CACHE',
    detail: 'VARCHAR',
    watermark: 'TIMESTAMP',
    kafka_partition: 'INT',
    kafka_offset: 'LONG',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  ttl: '30 DAYS',
  dedupKeys: ['ts', 'meter_id', 'processor'],
});
