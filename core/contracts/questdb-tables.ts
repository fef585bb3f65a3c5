import type { TableSpec } from '../questdb/table-spec';
import { alertsTable } from '../streams/alerts';
import { commandEventsTable } from '../streams/command-events';
import { auditLogTable } from '../streams/audit-log';
import { commandsTable } from '../streams/commands';
import { deadLettersTable } from '../streams/dead-letters';
import { edgeStatisticsTable } from '../streams/edge-statistics';
import { invoiceLinesTable, invoicesTable } from '../streams/invoices';
import { meterRegistryTable } from '../streams/meter-registry';
import { paymentsTable } from '../streams/payments';
import { readingsTable } from '../streams/readings';
import { rollingAveragesTable, rollupsTable } from '../streams/window-results';

export type { TableSpec };

/**
 * Every QuestDB table, for the code that creates them all (ensureTables, the stack). A
 * stream's table spec is defined in its module in core/streams, beside its row codec; this is
 * only the aggregation. All are WAL tables with DEDUP UPSERT KEYS that include the designated
 * timestamp, so a replayed Kafka record rewrites its row instead of adding one.
 */

export const questdbTables = {
  readings: readingsTable,
  edgeStats: edgeStatisticsTable,
  deadLetters: deadLettersTable,
  rollingAverages: rollingAveragesTable,
  rollups: rollupsTable,
  lateReadings: {
    name: 'late_readings',
    description: 'Readings that arrived after windows they belong to were emitted, per processor. Key: (ts = reading time, meter_id, processor).',
    ddl: `CREATE TABLE IF NOT EXISTS late_readings (
  ts TIMESTAMP,
  meter_id SYMBOL CAPACITY 65536 CACHE,
  processor SYMBOL CAPACITY 16 CACHE,
  detail VARCHAR,
  watermark TIMESTAMP,
  kafka_partition INT,
  kafka_offset LONG
) TIMESTAMP(ts) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS(ts, meter_id, processor)`,
  },
  alerts: alertsTable,
  invoices: invoicesTable,
  invoiceLines: invoiceLinesTable,
  processorState: {
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
  },
  meterRegistry: meterRegistryTable,
  commands: commandsTable,
  commandEvents: commandEventsTable,
  payments: paymentsTable,
  auditLog: auditLogTable,
  serviceMetrics: {
    name: 'service_metrics',
    description:
      'Samples of the services\' own metrics (ingest rate, consumer lag, dead letters, command states), written by each service every MF_METRICS_SAMPLE_INTERVAL_MS, so dashboards need no Prometheus; per_second is a counter\'s rate since the previous sample. Key: (ts, service, instance, metric, labels).',
    ddl: `CREATE TABLE IF NOT EXISTS service_metrics (
  ts TIMESTAMP,
  service SYMBOL CAPACITY 16 CACHE,
  instance SYMBOL CAPACITY 256 CACHE,
  metric SYMBOL CAPACITY 256 CACHE,
  labels SYMBOL CAPACITY 4096 CACHE,
  type SYMBOL CAPACITY 4 CACHE,
  value DOUBLE,
  per_second DOUBLE
) TIMESTAMP(ts) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS(ts, service, instance, metric, labels)`,
  },
} as const satisfies Record<string, TableSpec>;
