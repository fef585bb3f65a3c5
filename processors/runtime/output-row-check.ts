import { maxTimestampMs } from '../../core/contracts';
import type { OutputRow } from './keyed-processor';

/**
 * Why QuestDB would refuse this row, or null. QuestDB refuses a whole ILP request when one value
 * does not fit its column (a LONG written as `1e+21i`), which would stall the processor's flush
 * forever (a refused request retried as is never succeeds): every row is checked when it is emitted, so a bad one is dropped and
 * reported on its own instead. LONG columns must hold safe integers (beyond 2^53 a double is
 * not the integer it prints as), timestamps an instant in [1970, 2262], doubles finite numbers.
 */
export function outputRowProblem(row: OutputRow): string | null {
  if (!Number.isSafeInteger(row.ts) || row.ts < 0 || row.ts > maxTimestampMs) return `ts ${row.ts} is not an instant QuestDB can store`;
  // for…in, not Object.entries: no array of pairs per row (every result's rows pass here).
  for (const name in row.values) {
    const value = row.values[name];
    if (typeof value !== 'number') continue;
    const type = row.types?.[name];
    if (type === 'long' && !Number.isSafeInteger(value)) return `${name} = ${value} is not a safe integer (LONG column)`;
    if (type === 'timestamp' && (!Number.isSafeInteger(value) || value < 0 || value > maxTimestampMs)) return `${name} = ${value} is not an instant QuestDB can store`;
    if (type === undefined && !Number.isFinite(value)) return `${name} = ${value} is not a finite number (DOUBLE column)`;
  }
  return null;
}
