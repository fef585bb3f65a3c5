import type { QuestdbPool } from '../questdb/questdb-sql';
import { existingTables, findCustomerScope } from './customer-scope';
import { customerRowsSql, personalData, type CustomerScope } from './personal-data';
import { tarGz, type ArchiveFile } from './tar-archive';

/** The archive's manifest.json: what it holds and whose. */
export interface ExportManifest {
  format: 'meterflow-customer-export/1';
  customerId: string;
  createdAt: string;
  /** The periods they owned each meter: the readings and other meter data in the archive are these periods' only. */
  periods: { meterId: string; from: string | null; to: string | null }[];
  /** Per table: its file in the archive and how many rows it holds; tables that hold no personal data are not listed. */
  tables: { table: string; file: string; rows: number; why: string }[];
}

export interface CustomerExport {
  manifest: ExportManifest;
  /** manifest.json and one `<table>.jsonl` per table (a JSON object per row), tar + gzip. */
  archive: Buffer;
}

export interface ExportOptions {
  /** Zone of meters without one (MF_BILLING_TIME_ZONE). */
  defaultZone: string;
  /** Wall-clock epoch ms: the manifest's createdAt and the files' dates. */
  now: number;
  /** Called after each table, for progress output. */
  onTable?: (table: string, rows: number) => void;
}

/**
 * Everything the tables hold about one customer (right of access, GDPR art. 15, and
 * portability, art. 20): for each table personal-data.ts declares, the rows that are theirs —
 * readings and other meter data of their ownership periods only — as JSON lines in a tar.gz.
 */
export async function exportCustomerData(questdb: QuestdbPool, customerId: string, options: ExportOptions): Promise<CustomerExport> {
  const scope = await findCustomerScope(questdb, customerId, { defaultZone: options.defaultZone });
  const present = await existingTables(questdb);
  const files: ArchiveFile[] = [];
  const tables: ExportManifest['tables'] = [];
  for (const declaration of Object.values(personalData)) {
    if (declaration.rows === null) continue;
    const name = declaration.table.name;
    const rows = present.has(name) ? await customerRows(questdb, name, declaration.rows, scope) : [];
    files.push({ name: `${name}.jsonl`, content: rows.map((r) => `${JSON.stringify(r)}\n`).join('') });
    tables.push({ table: name, file: `${name}.jsonl`, rows: rows.length, why: declaration.why });
    options.onTable?.(name, rows.length);
  }
  const manifest: ExportManifest = {
    format: 'meterflow-customer-export/1',
    customerId,
    createdAt: new Date(options.now).toISOString(),
    periods: scope.periods.map((p) => ({ meterId: p.meterId, from: iso(p.from), to: iso(p.to) })),
    tables,
  };
  return { manifest, archive: tarGz([{ name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` }, ...files], options.now) };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function customerRows(questdb: QuestdbPool, table: string, rows: Parameters<typeof customerRowsSql>[0], scope: CustomerScope): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [];
  const where = customerRowsSql(rows, scope, params);
  const result = await questdb.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE ${where} ORDER BY ts`, params);
  return result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
}
