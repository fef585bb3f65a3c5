import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * Customers moving in and out of a meter's service point, declared through the API
 * (changeMeterOwner). A table with no topic: the API writes it and reads it for access rules,
 * billing's registry sync reads every row and bills each owner their own days (docs/billing.md,
 * "Owners").
 */
export const meterOwnersTable = defineTable({
  name: 'meter_owners',
  description:
    'Owner changes of a meter: from the local date in ts on, customer_id (null = vacant) is billed and may read the meter; previous_customer_id had it before (the first row names the owner before any change). Key: (ts = the date at 00:00 UTC, meter_id): one change a day; declaring it again corrects it.',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    customer_id: 'SYMBOL CAPACITY 65536 CACHE',
    previous_customer_id: 'SYMBOL CAPACITY 65536 CACHE',
    note: 'VARCHAR',
    declared_by: 'VARCHAR',
    declared_at: 'TIMESTAMP',
  },
  timestamp: 'ts',
  partitionBy: 'YEAR',
  dedupKeys: ['ts', 'meter_id'],
});

export interface MeterOwnerChange {
  meterId: string;
  /** Local date (YYYY-MM-DD) from which `customerId` owns the meter, in the meter's zone. */
  from: string;
  /** null = vacant. */
  customerId: string | null;
  /** Who had it before `from` (when this change was declared). */
  previousCustomerId: string | null;
  note: string | null;
  declaredBy: string;
  /** Wall-clock epoch ms. */
  declaredAt: number;
}

/** The date as its designated timestamp: 00:00 UTC of that calendar date (a date, not an instant). */
const ownerChangeTs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

export function meterOwnerChangeToRow(c: MeterOwnerChange): TableRow {
  return {
    table: meterOwnersTable.name,
    ts: ownerChangeTs(c.from),
    symbols: { meter_id: c.meterId, ...(c.customerId ? { customer_id: c.customerId } : {}), ...(c.previousCustomerId ? { previous_customer_id: c.previousCustomerId } : {}) },
    values: { note: c.note, declared_by: c.declaredBy, declared_at: c.declaredAt },
    types: { declared_at: 'timestamp' },
  } satisfies TableRowOf<typeof meterOwnersTable>;
}

/** A meter_owners row as read back over the PG wire. */
export interface MeterOwnerSqlRow {
  ts: Date;
  meter_id: string;
  customer_id: string | null;
  previous_customer_id: string | null;
  declared_at: Date | null;
}

export const meterOwnersQuery = `SELECT ts, meter_id, customer_id, previous_customer_id, declared_at FROM ${meterOwnersTable.name} ORDER BY meter_id, ts`;

export function meterOwnerFromSql(r: MeterOwnerSqlRow): { meterId: string; from: string; customerId: string | null; previousCustomerId: string | null; declaredAt: number } {
  return { meterId: r.meter_id, from: r.ts.toISOString().slice(0, 10), customerId: r.customer_id, previousCustomerId: r.previous_customer_id, declaredAt: r.declared_at?.getTime() ?? r.ts.getTime() };
}
