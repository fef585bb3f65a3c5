import { meterOwnersTable } from '../streams/meter-owners';
import { meterRegistryTable } from '../streams/meter-registry';
import { invoicesTable } from '../streams/invoices';
import type { QuestdbPool } from '../questdb/questdb-sql';
import { ownershipPeriods, type OwnershipPeriod } from './ownership-periods';
import { customerRowsSql, type CustomerScope } from './personal-data';

export interface ScopeOptions {
  /** Zone of meters with none in the registry (MF_BILLING_TIME_ZONE): owner changes start at its local midnight. */
  defaultZone: string;
  /**
   * The customer's pseudonym, when erasing: rows an interrupted erasure already pseudonymised
   * count as theirs, so running it again finishes the job instead of finding nothing.
   */
  pseudonym?: string;
}

/**
 * Which meters a customer had and when, and their invoices: read from the registry history
 * (meter_registry), the dated owner changes (meter_owners) and the invoices. Everything export
 * and erasure select is derived from this.
 */
export async function findCustomerScope(questdb: QuestdbPool, customerId: string, options: ScopeOptions): Promise<CustomerScope> {
  const ids = options.pseudonym ? [customerId, options.pseudonym] : [customerId];
  const same = (id: string | null) => (id !== null && ids.includes(id) ? customerId : id);
  const inIds = (column: string, from: number) => `${column} IN (${ids.map((_, i) => `$${from + i}`).join(', ')})`;
  const meterIds = new Set<string>();
  for (const { rows } of [
    await questdb.query<{ meter_id: string }>(`SELECT DISTINCT meter_id FROM ${meterRegistryTable.name} WHERE ${inIds('customer_id', 1)}`, ids),
    await questdb.query<{ meter_id: string }>(`SELECT DISTINCT meter_id FROM ${meterOwnersTable.name} WHERE ${inIds('customer_id', 1)} OR ${inIds('previous_customer_id', 1)}`, ids),
  ]) {
    for (const r of rows) meterIds.add(r.meter_id);
  }
  const periods: OwnershipPeriod[] = [];
  for (const meterId of [...meterIds].sort()) {
    const registry = await questdb.query<{ ts: Date; customer_id: string | null; time_zone: string | null }>(
      `SELECT ts, customer_id, time_zone FROM ${meterRegistryTable.name} WHERE meter_id = $1 ORDER BY ts`,
      [meterId],
    );
    const owners = await questdb.query<{ ts: Date; customer_id: string | null; previous_customer_id: string | null }>(
      `SELECT ts, customer_id, previous_customer_id FROM ${meterOwnersTable.name} WHERE meter_id = $1 ORDER BY ts`,
      [meterId],
    );
    periods.push(
      ...ownershipPeriods(
        {
          meterId,
          registry: registry.rows.map((r) => ({ at: r.ts.getTime(), customerId: same(r.customer_id) })),
          ownerChanges: owners.rows.map((r) => ({ from: r.ts.toISOString().slice(0, 10), customerId: same(r.customer_id), previousCustomerId: same(r.previous_customer_id) })),
          zone: registry.rows.at(-1)?.time_zone ?? options.defaultZone,
        },
        customerId,
      ),
    );
  }
  const params: unknown[] = [];
  const invoicesOf = (id: string) => customerRowsSql('customer-invoices', { customerId: id, periods, invoiceIds: [] }, params);
  const { rows } = await questdb.query<{ invoice_id: string }>(`SELECT DISTINCT invoice_id FROM ${invoicesTable.name} WHERE ${ids.map(invoicesOf).join(' OR ')}`, params);
  return { customerId, periods, invoiceIds: rows.map((r) => r.invoice_id).sort() };
}

/** Tables that exist (a table no service created yet holds nobody's data). */
export async function existingTables(questdb: QuestdbPool): Promise<Set<string>> {
  const { rows } = await questdb.query<{ table_name: string }>('SELECT table_name FROM tables()');
  return new Set(rows.map((r) => r.table_name));
}
