import { Pool, type PoolConfig } from 'pg';
import { MeterflowError } from '../errors';
import type { TableSpec } from '../contracts/questdb-tables';

export interface QuestdbPgOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Pool size; QuestDB serves each PG connection on a worker, keep it modest. */
  max?: number;
}

export type QuestdbPool = Pool;

/** A pg pool on QuestDB's PG-wire port: queries, DDL. */
export function createQuestdbPool(options: QuestdbPgOptions): QuestdbPool {
  const config: PoolConfig = { ...options, max: options.max ?? 8, idleTimeoutMillis: 30_000 };
  const pool = new Pool(config);
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** How long an upgrade may take to apply before startup gives up (a busy WAL apply job takes seconds). */
const upgradeApplyMs = 60_000;

// Writers and readers that start right after an upgrade must see the new structure (a row keyed
// by the new DEDUP keys, a column a query selects), so wait until the WAL has applied it.
async function untilUpToDate(pool: QuestdbPool, upToDate: string): Promise<void> {
  const deadline = Date.now() + upgradeApplyMs;
  while ((await pool.query(upToDate)).rows.length === 0) {
    if (Date.now() > deadline) throw new Error(`upgrade not applied after ${upgradeApplyMs / 1000} s (is the table's WAL suspended? SELECT * FROM wal_tables())`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates missing tables and upgrades those an earlier release created (idempotent: IF NOT EXISTS, and upgrades run only when needed). */
export async function ensureTables(pool: QuestdbPool, tables: readonly TableSpec[]): Promise<void> {
  for (const table of tables) {
    try {
      await pool.query(table.ddl);
      if (table.upgrades && table.upToDate && (await pool.query(table.upToDate)).rows.length === 0) {
        // A WAL table applies an ALTER asynchronously: until then table_columns still shows the
        // old structure, and QuestDB refuses the repeated statement as a no-op: it is applied.
        for (const statement of table.upgrades) await pool.query(statement).catch((error: Error) => {
          if (!/is either no-op/.test(error.message)) throw error;
        });
        await untilUpToDate(pool, table.upToDate);
      }
    } catch (error) {
      throw new MeterflowError('QUESTDB_QUERY_FAILED', `cannot create table ${table.name}: ${(error as Error).message} (is the stack up? npm run stack -- up)`, {
        retriable: true,
        cause: error,
      });
    }
  }
}
