import type { Sender } from '@questdb/nodejs-client';
import { maxTimestampMs } from '../contracts/reading-ranges';
import { MeterflowError } from '../errors';

/** One row being written: a fluent subset of the ILP sender, so callers stay free of the client. */
export type RowWriter = Pick<Sender, 'symbol' | 'stringColumn' | 'floatColumn' | 'intColumn' | 'booleanColumn' | 'timestampColumn'>;

/** Longest VARCHAR/SYMBOL value a row may carry: every meterflow string is far shorter; a longer one is a bug or an attack. */
const maxStringChars = 1_000_000;

const invalid = (column: string, what: string) => new MeterflowError('QUESTDB_ROW_INVALID', `column "${column}": ${what}`);

function checkLong(column: string, value: number): void {
  // The client accepts any Number.isInteger, and writes 1e21 as "1e+21i", which QuestDB refuses (with the whole request).
  if (!Number.isSafeInteger(value)) throw invalid(column, `${value} is not an integer a LONG holds exactly (|n| <= 2^53 - 1)`);
}

function checkString(column: string, value: unknown): void {
  if (typeof value !== 'string') throw invalid(column, 'not a string');
  if (value.length > maxStringChars) throw invalid(column, `${value.length} characters; the limit is ${maxStringChars}`);
}

/**
 * A RowWriter that writes nothing and throws QUESTDB_ROW_INVALID at the first value its column
 * cannot hold. The writer runs a row through it before the real buffer, so a bad row never
 * leaves half of itself in the buffer (the client cannot take back a partial row).
 */
export const rowValidator: RowWriter = {
  symbol(name, value) {
    checkString(name, value);
    return this as unknown as Sender;
  },
  stringColumn(name, value) {
    checkString(name, value);
    return this as unknown as Sender;
  },
  floatColumn(name, value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, `${value} is not a finite DOUBLE`);
    return this as unknown as Sender;
  },
  intColumn(name, value) {
    checkLong(name, value);
    return this as unknown as Sender;
  },
  booleanColumn(name, value) {
    if (typeof value !== 'boolean') throw invalid(name, `${String(value)} is not a BOOLEAN`);
    return this as unknown as Sender;
  },
  timestampColumn(name, value, unit = 'us') {
    const n = typeof value === 'bigint' ? Number(value) : value;
    const ms = unit === 'ms' ? n : unit === 'us' ? n / 1000 : n / 1e6;
    if (!Number.isSafeInteger(n) || ms < 0 || ms > maxTimestampMs) throw invalid(name, `${String(value)} ${unit} is not a TIMESTAMP between 1970 and 2262`);
    return this as unknown as Sender;
  },
};

/** Designated timestamps in epoch ms that QuestDB stores (1970 to 2262). */
export function checkDesignatedTs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > maxTimestampMs) {
    throw new MeterflowError('QUESTDB_ROW_INVALID', `designated timestamp ${ms} is not an integer epoch ms between 1970 and 2262`);
  }
  return ms;
}
