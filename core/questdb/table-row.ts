import type { ColumnOf, DefinedTable } from './table-spec';

/**
 * One row for a QuestDB table, as the streams' row codecs build it: symbols (indexed, low
 * cardinality) apart from the other columns, so the writer knows which ILP field type each
 * value takes. A null value is left out of the line, which QuestDB stores as NULL.
 */
export interface TableRow {
  table: string;
  /** The designated timestamp, epoch ms. */
  ts: number;
  symbols: Record<string, string>;
  values: Record<string, number | string | boolean | null>;
  /** Column types where a value's JavaScript type is not enough (numbers are DOUBLE otherwise). */
  types?: Record<string, 'long' | 'timestamp'>;
}

/**
 * A row's shape checked against its table spec. A row codec writes `return { … } satisfies
 * TableRowOf<typeof alertsTable>`: a column the table does not have (one renamed in the spec)
 * is then a compile error, where ILP would silently create it in QuestDB.
 */
export interface TableRowOf<T extends DefinedTable> {
  table: T['name'];
  ts: number;
  symbols: { [C in ColumnOf<T>]?: string };
  values: { [C in ColumnOf<T>]?: number | string | boolean | null };
  types?: { [C in ColumnOf<T>]?: 'long' | 'timestamp' };
}
