import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * Tariffs published and retired through the API (publishTariff, retireTariff), on top of the
 * configured ones (MF_BILLING_CONFIG_FILE). A table with no topic: the API writes it, billing's
 * registry sync reads every row and prices each day with the version in force
 * (core/tariffs/tariff-catalog.ts, docs/billing.md "Tariffs at run time"). Never expired: an
 * invoice's prices must stay explainable.
 */
export const tariffVersionsTable = defineTable({
  name: 'tariff_versions',
  description: 'Tariff versions published and retirements, through the API. Key: (ts = when published, tariff_id); the version a day is priced with is the latest effective_from on or before it.',
  columns: {
    ts: 'TIMESTAMP',
    tariff_id: 'SYMBOL CAPACITY 4096 CACHE',
    /** publish or retire. */
    action: 'SYMBOL CAPACITY 8 CACHE',
    /** Local date (YYYY-MM-DD, in each meter's zone) from which it holds. */
    effective_from: 'VARCHAR',
    /** The validated tariff as JSON (publish); null for a retirement. */
    definition: 'VARCHAR',
    /** Retirement: the tariff that prices the retired one's meters from effective_from; null = none. */
    replaced_by: 'SYMBOL CAPACITY 4096 CACHE',
    note: 'VARCHAR',
    published_by: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'YEAR',
  dedupKeys: ['ts', 'tariff_id'],
});

export type TariffAction = 'publish' | 'retire';

/** One row of tariff_versions. */
export interface TariffVersionRecord {
  /** When it was published, epoch ms (wall clock). */
  publishedAt: number;
  tariffId: string;
  action: TariffAction;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  /** The tariff as JSON (publish). */
  definition: string | null;
  replacedBy: string | null;
  note: string | null;
  publishedBy: string;
}

export function tariffVersionToRow(r: TariffVersionRecord): TableRow {
  return {
    table: tariffVersionsTable.name,
    ts: r.publishedAt,
    symbols: { tariff_id: r.tariffId, action: r.action, ...(r.replacedBy ? { replaced_by: r.replacedBy } : {}) },
    values: { effective_from: r.effectiveFrom, definition: r.definition, note: r.note, published_by: r.publishedBy },
  } satisfies TableRowOf<typeof tariffVersionsTable>;
}

/** The SQL that reads every row, oldest first (a catalog is rebuilt from all of them). */
export const tariffVersionsQuery = `SELECT ts, tariff_id, action, effective_from, definition, replaced_by, note, published_by FROM ${tariffVersionsTable.name} ORDER BY ts`;

export interface TariffVersionSqlRow {
  ts: Date;
  tariff_id: string;
  action: string;
  effective_from: string;
  definition: string | null;
  replaced_by: string | null;
  note: string | null;
  published_by: string | null;
}

export function tariffVersionFromSql(r: TariffVersionSqlRow): TariffVersionRecord {
  return {
    publishedAt: r.ts.getTime(),
    tariffId: r.tariff_id,
    action: r.action === 'retire' ? 'retire' : 'publish',
    effectiveFrom: r.effective_from,
    definition: r.definition,
    replacedBy: r.replaced_by,
    note: r.note,
    publishedBy: r.published_by ?? '',
  };
}
