/**
 * QuestDB tables. All are WAL tables partitioned by day with DEDUP UPSERT KEYS that include
 * the designated timestamp, so a replayed Kafka record rewrites its row instead of adding one.
 * DEDUP must be declared at CREATE time (it needs WAL), hence the DDL lives here, once.
 */
export interface TableSpec {
  name: string;
  ddl: string;
  description: string;
}

export const questdbTables = {
  readings: {
    name: 'readings',
    description: 'One row per validated reading. Key: (ts, meter_id): a meter has one reading per instant.',
    ddl: `CREATE TABLE IF NOT EXISTS readings (
  ts TIMESTAMP,
  meter_id SYMBOL CAPACITY 65536 CACHE,
  kind SYMBOL CAPACITY 8 CACHE,
  sector SYMBOL CAPACITY 4096 CACHE,
  value DOUBLE,
  value_unit SYMBOL CAPACITY 32 CACHE,
  register DOUBLE,
  register_unit SYMBOL CAPACITY 32 CACHE,
  seq LONG,
  received_at TIMESTAMP
) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, meter_id)`,
  },
  edgeStats: {
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
  },
  deadLetters: {
    name: 'dead_letters',
    description: 'Refused device messages, for dashboards and inspection; kept 30 days. Key: (ts = receive time, kafka_partition, kafka_offset).',
    ddl: `CREATE TABLE IF NOT EXISTS dead_letters (
  ts TIMESTAMP,
  reason SYMBOL CAPACITY 32 CACHE,
  detail VARCHAR,
  mqtt_topic VARCHAR,
  payload_base64 VARCHAR,
  payload_bytes LONG,
  payload_truncated BOOLEAN,
  item_index LONG,
  bridge_id SYMBOL CAPACITY 64 CACHE,
  kafka_partition LONG,
  kafka_offset LONG
) TIMESTAMP(ts) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS(ts, kafka_partition, kafka_offset)`,
  },
} as const satisfies Record<string, TableSpec>;
