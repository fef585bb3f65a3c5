import type { IlpWriter } from './ilp-writer';
import type { TableRow } from './table-row';

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
