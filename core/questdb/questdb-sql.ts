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

/** Creates missing tables (idempotent: the DDL says IF NOT EXISTS). */
export async function ensureTables(pool: QuestdbPool, tables: readonly TableSpec[]): Promise<void> {
  for (const table of tables) {
    try {
      await pool.query(table.ddl);
    } catch (error) {
      throw new MeterflowError('QUESTDB_QUERY_FAILED', `cannot create table ${table.name}: ${(error as Error).message} (is the stack up? npm run stack -- up)`, {
        retriable: true,
        cause: error,
      });
    }
  }
}
