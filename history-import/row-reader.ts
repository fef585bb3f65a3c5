import { MeterflowError } from '../core/errors';
import { csvFields } from './csv-fields';
import type { ColumnRef, ResolvedMapping } from './import-mapping';

/** One data row read as the mapping says: numbers parsed, units converted, not yet validated as a reading. */
export interface ImportRow {
  meterId: string;
  ts: number;
  /** In the kind's register unit. */
  register?: number;
  value?: number;
  /** Quantity used in [ts, ts + interval), in the kind's register unit. */
  interval?: number;
  sector?: string;
}

export type RowOutcome = { row: ImportRow } | { problem: string } | { skip: true };

export interface RowReader {
  /** Reads the header line (when the mapping has one): finds the columns by name. */
  readHeader(line: string): void;
  read(line: string): RowOutcome;
}

/** Numbers as exports write them: 68321, 1.5, 4e+05 (DAIAD), -0.2; not "", not "Null", not "1,5". */
const numberText = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads rows of one file by its mapping. Columns named "#n" are found by position, others by
 * the header's text (trimmed, so `KWH/hh (per half hour) ` matches without its trailing space).
 * A row that cannot be read yields a problem naming the column; blank lines are skipped.
 */
export function createRowReader(mapping: ResolvedMapping): RowReader {
  const refs = { meterId: mapping.meterId, timestamp: mapping.timestamp, register: mapping.register, value: mapping.value, interval: mapping.interval, sector: mapping.sector };
  const index: Partial<Record<keyof typeof refs, number>> = {};
  const byPosition = (ref: ColumnRef) => (/^#\d+$/.test(ref) ? Number(ref.slice(1)) - 1 : null);
  for (const [field, ref] of Object.entries(refs) as [keyof typeof refs, ColumnRef | undefined][]) {
    if (ref === undefined) continue;
    const position = byPosition(ref);
    if (position !== null) index[field] = position;
    else if (!mapping.header) throw new MeterflowError('IMPORT_MAPPING_INVALID', `${field}: "${ref}" names a column, but the file has no header; use #n (1-based position)`);
  }
  let width = Math.max(...Object.values(index).map((i) => i + 1), 0);

  const number = (fields: string[], field: 'register' | 'value' | 'interval'): number | string | undefined => {
    const i = index[field];
    if (i === undefined) return undefined;
    const t = (fields[i] ?? '').trim();
    if (!numberText.test(t)) return `column ${refs[field]} (${field}) is not a number: ${JSON.stringify(t.slice(0, 40))}`;
    return Number(t);
  };

  return {
    readHeader(line) {
      const names = (csvFields(line, mapping.delimiter) ?? []).map((n) => n.trim());
      for (const [field, ref] of Object.entries(refs) as [keyof typeof refs, ColumnRef | undefined][]) {
        if (ref === undefined || byPosition(ref) !== null) continue;
        const i = names.indexOf(ref.trim());
        if (i < 0) throw new MeterflowError('IMPORT_MAPPING_INVALID', `${field}: no column "${ref}" in the header (${names.map((n) => JSON.stringify(n)).join(', ')})`);
        index[field] = i;
      }
      width = Math.max(...Object.values(index).map((i) => i + 1), 0);
    },
    read(line) {
      if (line.trim() === '') return { skip: true };
      const fields = csvFields(line, mapping.delimiter);
      if (!fields) return { problem: 'a quote is not closed on this line' };
      if (fields.length < width) return { problem: `${fields.length} column(s); the mapping reads column ${width}` };
      const meterId = mapping.meterIdPrefix + (fields[index.meterId!] ?? '').trim();
      const tsText = fields[index.timestamp!] ?? '';
      const ts = mapping.readTimestamp(tsText);
      if (ts === null) return { problem: `column ${refs.timestamp} (timestamp) is not "${mapping.timestampFormat}": ${JSON.stringify(tsText.trim().slice(0, 40))}` };
      const row: ImportRow = { meterId, ts };
      for (const field of ['register', 'value', 'interval'] as const) {
        const n = number(fields, field);
        if (typeof n === 'string') return { problem: n };
        if (n !== undefined) row[field] = field === 'register' ? n * mapping.registerFactor : field === 'interval' ? n * mapping.intervalFactor : n;
      }
      if (index.sector !== undefined) {
        const sector = (fields[index.sector] ?? '').trim();
        if (sector !== '') row.sector = sector;
      }
      return { row };
    },
  };
}
