import { validateWireReading, type Reading, type ReadingRanges, type RejectionReason } from '../core/contracts';
import type { ResolvedMapping } from './import-mapping';
import type { ImportRow } from './row-reader';

/** Where a row came from: for the summary and for the dead letter of a refused one. */
export interface RowSource {
  file: string;
  line: number;
}

/** A row, or a reading derived from it, that the import will not send: it becomes a dead letter. */
export interface RefusedRow {
  source: RowSource;
  reason: RejectionReason;
  detail: string;
  /** What was refused: the row's text, or the reading built from it as JSON. */
  payload: string;
  meterId: string | null;
}

/** A validated reading with the row it came from. */
export interface PlannedReading {
  reading: Reading;
  source: RowSource;
}

export interface HistoryPlan {
  /** Adds a read row; a later row for the same meter and instant replaces an earlier one (as a stored reading would be). */
  add(row: ImportRow, source: RowSource): void;
  refuse(refused: RefusedRow): void;
  /**
   * Every meter's readings in event-time order, validated as a device's would be (without the
   * live path's age limit). Interval quantities become a register here (see the mapping).
   */
  build(receivedAt: number, limits: { maxFutureMs: number; ranges?: ReadingRanges }): { meters: Map<string, PlannedReading[]>; refused: RefusedRow[] };
  counts(): { rows: number; identicalCopies: number; superseded: number };
}

interface Held {
  row: ImportRow;
  source: RowSource;
}

/**
 * Gathers an import's rows per meter before anything is sent: a meter's readings go out sorted
 * by event time whatever the file's order, so no processor counts one of them late, and the
 * order of meters or files cannot change any meter's results (docs/import.md).
 */
export function createHistoryPlan(mapping: ResolvedMapping): HistoryPlan {
  const meters = new Map<string, Map<number, Held>>();
  const refused: RefusedRow[] = [];
  let rows = 0;
  let identicalCopies = 0;
  let superseded = 0;
  const sameNumbers = (a: ImportRow, b: ImportRow) => a.register === b.register && a.value === b.value && a.interval === b.interval && a.sector === b.sector;

  return {
    add(row, source) {
      rows += 1;
      let held = meters.get(row.meterId);
      if (!held) meters.set(row.meterId, (held = new Map()));
      const before = held.get(row.ts);
      if (before) {
        if (sameNumbers(before.row, row)) identicalCopies += 1;
        else superseded += 1;
      }
      held.set(row.ts, { row, source });
    },
    refuse(r) {
      refused.push(r);
    },
    build(receivedAt, limits) {
      // Anything from 1970 on: history has no age limit beyond what the timestamp column holds.
      const check = { maxPastMs: receivedAt, maxFutureMs: limits.maxFutureMs, ranges: limits.ranges };
      const out = new Map<string, PlannedReading[]>();
      const refusedNow: RefusedRow[] = [...refused];
      for (const [meterId, held] of [...meters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const planned: PlannedReading[] = [];
        for (const { body, source } of wireBodies(meterId, [...held.values()].sort((a, b) => a.row.ts - b.row.ts), mapping)) {
          const result = validateWireReading(body, receivedAt, check);
          if ('reading' in result) planned.push({ reading: result.reading, source });
          else refusedNow.push({ source, reason: result.rejection.reason, detail: result.rejection.detail, payload: JSON.stringify(body), meterId });
        }
        if (planned.length > 0) out.set(meterId, planned);
      }
      return { meters: out, refused: refusedNow };
    },
    counts: () => ({ rows, identicalCopies, superseded }),
  };
}

/**
 * The wire readings of one meter's rows (sorted by time). Register and value rows map one to
 * one. Interval rows (quantity used in [ts, ts + length)) become a register that starts at 0:
 * a reading at the start of the first interval, one at the end of every interval with the sum
 * so far and the interval's average rate, and one at the start of an interval that follows a
 * gap, so each quantity is spread over its own interval and never over the gap before it.
 */
function* wireBodies(meterId: string, held: Held[], mapping: ResolvedMapping): Generator<{ body: Record<string, unknown>; source: RowSource }> {
  const base = (ts: number, row: ImportRow) => ({ meterId, kind: mapping.kind, ts, ...(row.sector !== undefined ? { sector: row.sector } : {}) });
  if (mapping.interval === undefined) {
    for (const { row, source } of held) {
      yield { body: { ...base(row.ts, row), ...(row.register !== undefined ? { register: row.register } : {}), ...(row.value !== undefined ? { value: row.value } : {}) }, source };
    }
    return;
  }
  const lengthMs = mapping.intervalMinutes! * 60_000;
  let total = 0;
  let end = -Infinity;
  for (const { row, source } of held) {
    const quantity = row.interval!;
    if (row.ts > end) yield { body: { ...base(row.ts, row), register: round(total) }, source };
    total += quantity;
    // Overlapping intervals (a row less than one length after the previous) would put two readings out of order: the later one ends at its own end.
    end = Math.max(row.ts + lengthMs, end + 1);
    const rate = mapping.rateMs === null ? {} : { value: round(quantity / (lengthMs / mapping.rateMs)) };
    yield { body: { ...base(end, row), register: round(total), ...rate }, source };
  }
}

/** Sums of decimal quantities drift in binary (0.1 + 0.2); 9 decimals keep every real meter's resolution. */
const round = (n: number) => Math.round(n * 1e9) / 1e9;
