/**
 * A QuestDB table as the stack creates it. All are WAL tables partitioned by time with DEDUP
 * UPSERT KEYS that include the designated timestamp, so a replayed Kafka record rewrites its
 * row instead of adding one. DEDUP must be declared at CREATE time (it needs WAL), hence each
 * table's DDL lives once, in the module of the stream that fills it.
 */
export interface TableSpec {
  name: string;
  ddl: string;
  description: string;
  /**
   * Statements that bring a table an earlier release created to this definition (CREATE IF NOT
   * EXISTS leaves an existing table as it was), run in order when `upToDate` returns no row.
   */
  upgrades?: readonly string[];
  /** A query returning a row when the table already is as defined (QuestDB refuses a repeated ALTER … DEDUP as a no-op). */
  upToDate?: string;
}

/** Each column's name keyed by itself, so SQL can name columns through the compiler. */
export type TableColumns<Column extends string> = { readonly [C in Column]: C };

/**
 * A table spec that knows its columns. SQL written elsewhere (the API, the dashboards) names
 * them as `${t.columns.meter_id}`: renaming or dropping a column is then one edit here, and
 * every query that still names the old column fails to compile instead of failing at run time.
 */
export interface DefinedTable<Name extends string = string, Column extends string = string> extends TableSpec {
  name: Name;
  columns: TableColumns<Column>;
}

/** The column names of a defined table. */
export type ColumnOf<T extends DefinedTable> = keyof T['columns'] & string;

export interface TableDefinition<Name extends string, Types extends Record<string, string>> {
  name: Name;
  description: string;
  /** Column name → QuestDB type and options, in table order. */
  columns: Types;
  /** The designated timestamp. */
  timestamp: keyof Types & string;
  partitionBy: 'DAY' | 'MONTH' | 'YEAR';
  /** Rows older than this are dropped by QuestDB, e.g. '30 DAYS'. */
  ttl?: `${number} DAYS`;
  /** DEDUP UPSERT KEYS: must include the designated timestamp. */
  dedupKeys: readonly (keyof Types & string)[];
  /** See TableSpec.upgrades and upToDate. */
  upgrades?: { statements: readonly string[]; upToDate: string };
}

/** The table spec of a definition; its DDL is the one statement the columns, timestamp, partitioning and keys make. */
export function defineTable<const Name extends string, const Types extends Record<string, string>>(
  definition: TableDefinition<Name, Types>,
): DefinedTable<Name, keyof Types & string> {
  const { name, description, columns: types, timestamp, partitionBy, ttl, dedupKeys, upgrades } = definition;
  const names = Object.keys(types) as (keyof Types & string)[];
  const ddl =
    `CREATE TABLE IF NOT EXISTS ${name} (\n${names.map((c) => `  ${c} ${types[c]}`).join(',\n')}\n) ` +
    `TIMESTAMP(${timestamp}) PARTITION BY ${partitionBy}${ttl ? ` TTL ${ttl}` : ''} WAL DEDUP UPSERT KEYS(${dedupKeys.join(', ')})`;
  const columns = Object.freeze(Object.fromEntries(names.map((c) => [c, c]))) as TableColumns<keyof Types & string>;
  return Object.freeze({ name, description, ddl, columns, ...(upgrades ? { upgrades: upgrades.statements, upToDate: upgrades.upToDate } : {}) });
}

/** A column list for SELECT or GROUP BY: `sqlColumns(readingsTable, ['ts', 'value'])` → 'ts, value'. */
export function sqlColumns<Column extends string>(table: DefinedTable<string, Column>, columns: readonly Column[]): string {
  return columns.map((c) => table.columns[c]).join(', ');
}

/**
 * The type of a row read back by SQL, checked against its table: `StoredRow<typeof readingsTable,
 * { ts: Date; meter_id: string }>`. A key the table has no column for (one renamed in the spec)
 * fails the constraint, so read-back row types follow a rename as the SQL does.
 */
export type StoredRow<T extends DefinedTable, Shape extends { [K in keyof Shape]: K extends ColumnOf<T> ? unknown : never }> = Shape;
