import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * The meter registry: meters as registered through the API, one row per change, read back by
 * the API's meter directory and by the processors (group comparison, tariff sync). A table
 * with no topic: the API writes it, every reader queries its latest row per meter.
 */
export const meterRegistryTable = defineTable({
  name: 'meter_registry',
  description: 'Meters as registered through the API, one row per change (append-only history); the current record is LATEST ON ts PARTITION BY meter_id. Key: (ts = change time, meter_id).',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    kind: 'SYMBOL CAPACITY 8 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    customer_id: 'SYMBOL CAPACITY 65536 CACHE',
    time_zone: 'SYMBOL CAPACITY 512 CACHE',
    reporting_interval_s: 'LONG',
    tariff_id: 'SYMBOL CAPACITY 256 CACHE',
    label: 'VARCHAR',
    registered_at: 'TIMESTAMP',
    changed_by: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'meter_id'],
});

/** One change of a meter's registration. */
export interface MeterRegistration {
  meterId: string;
  kind: string;
  sector: string | null;
  customerId: string | null;
  timeZone: string | null;
  reportingIntervalS: number | null;
  tariffId: string | null;
  label: string | null;
  /** Epoch ms of the first registration. */
  registeredAt: number;
  /** Epoch ms of this change: the row's designated timestamp, so history is kept. */
  changedAt: number;
  changedBy: string;
}

export function meterRegistrationToRow(m: MeterRegistration): TableRow {
  return {
    table: meterRegistryTable.name,
    ts: m.changedAt,
    symbols: {
      meter_id: m.meterId,
      kind: m.kind,
      ...(m.sector ? { sector: m.sector } : {}),
      ...(m.customerId ? { customer_id: m.customerId } : {}),
      ...(m.timeZone ? { time_zone: m.timeZone } : {}),
      ...(m.tariffId ? { tariff_id: m.tariffId } : {}),
    },
    values: { reporting_interval_s: m.reportingIntervalS, label: m.label, registered_at: m.registeredAt, changed_by: m.changedBy },
    types: { reporting_interval_s: 'long', registered_at: 'timestamp' },
  } satisfies TableRowOf<typeof meterRegistryTable>;
}
