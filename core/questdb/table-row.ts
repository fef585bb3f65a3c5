import type { IlpWriter } from './ilp-writer';

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

/** Appends a row to the ILP buffer, each value in the column type the row declares. */
export function writeTableRow(writer: IlpWriter, row: TableRow): Promise<void> {
  return writer.row(row.table, row.ts, (w) => {
    for (const [name, value] of Object.entries(row.symbols)) w.symbol(name, value);
    for (const [name, value] of Object.entries(row.values)) {
      if (value === null) continue;
      if (typeof value === 'boolean') w.booleanColumn(name, value);
      else if (typeof value === 'string') w.stringColumn(name, value);
      else if (row.types?.[name] === 'timestamp') w.timestampColumn(name, value, 'ms');
      else if (row.types?.[name] === 'long') w.intColumn(name, value);
      else w.floatColumn(name, value);
    }
  });
}
