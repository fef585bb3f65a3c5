import type { TableSpec } from '../questdb/table-spec';
import { alertsTable } from '../streams/alerts';
import { commandEventsTable } from '../streams/command-events';
import { auditLogTable } from '../streams/audit-log';
import { commandsTable } from '../streams/commands';
import { deadLettersTable } from '../streams/dead-letters';
import { edgeStatisticsTable } from '../streams/edge-statistics';
import { invoiceLinesTable, invoicesTable } from '../streams/invoices';
import { lateReadingsTable } from '../streams/late-readings';
import { meterRegistryTable } from '../streams/meter-registry';
import { meterOwnersTable } from '../streams/meter-owners';
import { meterReplacementsTable } from '../streams/meter-replacements';
import { paymentIntentsTable } from '../streams/payment-intents';
import { paymentsTable } from '../streams/payments';
import { processorStateTable } from '../streams/processor-state';
import { readingsTable } from '../streams/readings';
import { serviceMetricsTable } from '../streams/service-metrics';
import { tariffVersionsTable } from '../streams/tariff-versions';
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
  lateReadings: lateReadingsTable,
  alerts: alertsTable,
  invoices: invoicesTable,
  invoiceLines: invoiceLinesTable,
  processorState: processorStateTable,
  meterRegistry: meterRegistryTable,
  meterReplacements: meterReplacementsTable,
  meterOwners: meterOwnersTable,
  tariffVersions: tariffVersionsTable,
  commands: commandsTable,
  commandEvents: commandEventsTable,
  payments: paymentsTable,
  paymentIntents: paymentIntentsTable,
  auditLog: auditLogTable,
  serviceMetrics: serviceMetricsTable,
} as const satisfies Record<string, TableSpec>;
