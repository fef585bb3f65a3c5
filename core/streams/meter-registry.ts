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
    // Billing's per-meter profile (docs/billing.md, "The meter's own registry entry"); last, so a
    // table an earlier release created upgrades to the same column order.
    register_modulus: 'DOUBLE',
    billing_cycle_day: 'LONG',
    max_flow_per_hour: 'DOUBLE',
    service_start: 'TIMESTAMP',
    service_end: 'TIMESTAMP',
    register_multiplier: 'DOUBLE',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'meter_id'],
  upgrades: {
    statements: [
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS register_modulus DOUBLE',
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS billing_cycle_day LONG',
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS max_flow_per_hour DOUBLE',
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS service_start TIMESTAMP',
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS service_end TIMESTAMP',
      'ALTER TABLE meter_registry ADD COLUMN IF NOT EXISTS register_multiplier DOUBLE',
    ],
    upToDate: `SELECT 1 FROM table_columns('meter_registry') WHERE "column" = 'register_multiplier'`,
  },
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
  /** The register counts modulo this (a 6-digit litre register: 1000000); null = never wraps. */
  registerModulus: number | null;
  /** Local day of the month its billing periods start on, 1-28; null = 1 (calendar months). */
  billingCycleDay: number | null;
  /** Physical maximum flow, register units per hour (larger increases are held for review); null = the default for its unit. */
  maxFlowPerHour: number | null;
  /** Service start (move-in), epoch ms; null = from its first reading. */
  serviceStart: number | null;
  /** Service end (move-out, decommission), epoch ms, exclusive; null = in service. */
  serviceEnd: number | null;
  /** Consumption per register unit of advance (CT ratio, pulse weight) of its first register; null = 1. */
  registerMultiplier: number | null;
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
    values: {
      reporting_interval_s: m.reportingIntervalS,
      label: m.label,
      registered_at: m.registeredAt,
      changed_by: m.changedBy,
      register_modulus: m.registerModulus,
      billing_cycle_day: m.billingCycleDay,
      max_flow_per_hour: m.maxFlowPerHour,
      service_start: m.serviceStart,
      service_end: m.serviceEnd,
      register_multiplier: m.registerMultiplier,
    },
    types: { reporting_interval_s: 'long', registered_at: 'timestamp', billing_cycle_day: 'long', service_start: 'timestamp', service_end: 'timestamp' },
  } satisfies TableRowOf<typeof meterRegistryTable>;
}
