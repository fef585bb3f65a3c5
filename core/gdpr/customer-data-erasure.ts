import type { QuestdbPool } from '../questdb/questdb-sql';
import { existingTables, findCustomerScope } from './customer-scope';
import { customerRowsSql, personalData, type CustomerScope, type ErasureAction, type PersonalDataDeclaration } from './personal-data';
import { customerPseudonym, erasedMeterId } from './pseudonym';

export interface ErasureOptions {
  /** MF_GDPR_PSEUDONYM_KEY. */
  pseudonymKey: string;
  /** Zone of meters without one (MF_BILLING_TIME_ZONE). */
  defaultZone: string;
  /** How long to wait for QuestDB to apply the updates. @default 120000 */
  applyTimeoutMs?: number;
  /** Called after each table, for progress output. */
  onTable?: (table: string, rows: number, action: ErasureAction) => void;
}

export interface ErasureReport {
  pseudonym: string;
  /** Meters and periods whose data was erased (the ids, no customer). */
  periods: { meterId: string; from: string | null; to: string | null }[];
  /** Per table: the customer's rows found and what was done to them. */
  tables: { table: string; rows: number; action: ErasureAction }[];
  /**
   * The customer's rows still found once QuestDB applied the updates: 0, unless a row of their
   * periods was written again meanwhile (a replay of a topic within its retention); erasing again removes it.
   */
  remaining: number;
}

/**
 * Erases a customer (right to erasure, GDPR art. 17) by UPDATE, in place: QuestDB has no row
 * DELETE, and an UPDATE WHERE meter_id/ts/customer_id touches only their rows, so it is safe
 * beside running ingest (a partition rewrite would race every writer of the table). Per
 * personal-data.ts: measurements of their periods are nulled and moved to the meter id
 * `erased`; what the books need is kept with the customer id replaced by the keyed pseudonym;
 * free text is cleared. Owner history and audit go last, so an interrupted erasure run again
 * still finds the customer's meters (it also matches the pseudonym). docs/gdpr.md.
 */
export async function eraseCustomerData(questdb: QuestdbPool, customerId: string, options: ErasureOptions): Promise<ErasureReport> {
  const pseudonym = customerPseudonym(options.pseudonymKey, customerId);
  const scope = await findCustomerScope(questdb, customerId, { defaultZone: options.defaultZone, pseudonym });
  const present = await existingTables(questdb);
  const declarations = Object.values(personalData).filter((d) => d.rows !== null && present.has(d.table.name)) as PersonalDataDeclaration[];
  // Whatever names the customer is rewritten after the data it leads to.
  const last = new Set(['meter_registry', 'meter_owners', 'processor_state', 'audit_log']);
  const ordered = [...declarations.filter((d) => !last.has(d.table.name)), ...declarations.filter((d) => last.has(d.table.name))];
  const tables: ErasureReport['tables'] = [];
  const applied: Array<{ table: string; txn: number }> = [];
  for (const d of ordered) {
    const rows = await countRows(questdb, d, scope, 'found');
    tables.push({ table: d.table.name, rows, action: d.erasure });
    options.onTable?.(d.table.name, rows, d.erasure);
    if (rows === 0) continue;
    for (const [sql, params] of [...(await carriedForwardStatements(questdb, d, scope)), ...erasureStatements(d, scope, pseudonym)]) await questdb.query(sql, params);
    applied.push({ table: d.table.name, txn: await sequencerTxn(questdb, d.table.name) });
  }
  await untilApplied(questdb, applied, options.applyTimeoutMs ?? 120_000);
  let remaining = 0;
  for (const d of ordered) remaining += await countRows(questdb, d, scope, 'remaining');
  return { pseudonym, periods: scope.periods.map((p) => ({ meterId: p.meterId, from: iso(p.from), to: iso(p.to) })), tables, remaining };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function countRows(questdb: QuestdbPool, d: PersonalDataDeclaration, scope: CustomerScope, what: 'found' | 'remaining'): Promise<number> {
  const params: unknown[] = [];
  let where = customerRowsSql(d.rows!, scope, params);
  if (what === 'remaining' && d.erasure === 'keep') {
    // Kept rows stay theirs by design: only the columns erasure clears can remain.
    if (!d.nullify?.length) return 0;
    where = `${where} AND (${d.nullify.map((c) => `${c} IS NOT NULL`).join(' OR ')})`;
  }
  const { rows } = await questdb.query<{ n: string | number }>(`SELECT count() n FROM ${d.table.name} WHERE ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}

/** The UPDATE statements (with their parameters) that erase the customer's rows of one table. */
export function erasureStatements(d: PersonalDataDeclaration, scope: CustomerScope, pseudonym: string): Array<[string, unknown[]]> {
  const out: Array<[string, unknown[]]> = [];
  const table = d.table.name;
  if (d.rows === 'audit') {
    // On the entries about them, every occurrence of the id (free text too: a label naming them)
    // becomes the pseudonym; the target last, as it selects the entries.
    for (const column of ['args', 'result']) {
      const params: unknown[] = [scope.customerId, pseudonym];
      out.push([`UPDATE ${table} SET ${column} = replace(${column}, $1, $2) WHERE ${customerRowsSql('audit', scope, params)}`, params]);
    }
    out.push([`UPDATE ${table} SET target = $1 WHERE target = $2`, [pseudonym, scope.customerId]]);
    return out;
  }
  if (d.rows === 'state') {
    // JSON: the id as a JSON string only, so an id it is a prefix of stays as it is.
    out.push([`UPDATE ${table} SET state = replace(state, $1, $2) WHERE strpos(state, $1) > 0`, [JSON.stringify(scope.customerId), JSON.stringify(pseudonym)]]);
    return out;
  }
  const sets = [...(d.nullify ?? []).map((c) => `${c} = null`), ...(d.erasure === 'anonymise' ? [`meter_id = '${erasedMeterId}'`] : [])];
  if (sets.length > 0) {
    const params: unknown[] = [];
    const where = customerRowsSql(d.rows!, scope, params);
    out.push([`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`, params]);
  }
  for (const column of d.pseudonymise ?? []) {
    if (d.rows === 'customer-invoices') {
      // Their invoices include ones of their periods written before invoices named a customer.
      const params: unknown[] = [pseudonym];
      out.push([`UPDATE ${table} SET ${column} = $1 WHERE ${customerRowsSql(d.rows, scope, params)}`, params]);
    } else out.push([`UPDATE ${table} SET ${column} = $1 WHERE ${column} = $2`, [pseudonym, scope.customerId]]);
  }
  return out;
}

// The values of carried-forward columns in the customer's rows, cleared wherever a row of the same meter repeats them.
async function carriedForwardStatements(questdb: QuestdbPool, d: PersonalDataDeclaration, scope: CustomerScope): Promise<Array<[string, unknown[]]>> {
  const out: Array<[string, unknown[]]> = [];
  for (const column of d.carriedForward ?? []) {
    const params: unknown[] = [];
    const where = customerRowsSql(d.rows!, scope, params);
    const { rows } = await questdb.query<{ meter_id: string; value: string }>(`SELECT DISTINCT meter_id, ${column} value FROM ${d.table.name} WHERE ${where} AND ${column} IS NOT NULL`, params);
    for (const r of rows) out.push([`UPDATE ${d.table.name} SET ${column} = null WHERE meter_id = $1 AND ${column} = $2`, [r.meter_id, r.value]]);
  }
  return out;
}

async function sequencerTxn(questdb: QuestdbPool, table: string): Promise<number> {
  const { rows } = await questdb.query<{ sequencerTxn: string | number }>('SELECT sequencerTxn FROM wal_tables() WHERE name = $1', [table]);
  return Number(rows[0]?.sequencerTxn ?? 0);
}

// An UPDATE on a WAL table is a transaction QuestDB applies in the background: wait until each
// table's writer has reached the transaction of our last update (later ones are other writers').
async function untilApplied(questdb: QuestdbPool, applied: readonly { table: string; txn: number }[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const { table, txn } of applied) {
    for (;;) {
      const { rows } = await questdb.query<{ writerTxn: string | number; suspended: boolean }>('SELECT writerTxn, suspended FROM wal_tables() WHERE name = $1', [table]);
      if (rows[0]?.suspended) throw new Error(`QuestDB suspended WAL apply of ${table} (SELECT * FROM wal_tables())`);
      if (Number(rows[0]?.writerTxn ?? 0) >= txn) break;
      if (Date.now() > deadline) throw new Error(`the erasure's updates of ${table} were not applied after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
