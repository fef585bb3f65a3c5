import { sqlColumns } from '../../../core/questdb/table-spec';
import { readingsTable } from '../../../core/streams/readings';
import type { GraphqlContext } from '../../context';
import { requireMeterAccess } from '../../auth/authorize';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import { validateId, validatePageSize, validateRange } from '../arguments';

interface ReadingsArgs {
  meterId: string;
  from: Date;
  to: Date;
  limit: number;
}

export interface ReadingRow {
  ts: Date;
  meter_id: string;
  kind: string;
  value: number | null;
  value_unit: string | null;
  register: number | null;
  register_unit: string | null;
  seq: string | number | null;
  sector: string | null;
  received_at: Date | null;
}

const r = readingsTable.columns;
export const readingColumns = sqlColumns(readingsTable, ['ts', 'meter_id', 'kind', 'value', 'value_unit', 'register', 'register_unit', 'seq', 'sector', 'received_at']);

/** A readings-table row as the Reading type. */
export function readingFromRow(row: ReadingRow) {
  return {
    meterId: row.meter_id,
    kind: row.kind,
    ts: row.ts,
    value: row.value,
    valueUnit: row.value_unit,
    register: row.register,
    registerUnit: row.register_unit,
    seq: row.seq === null ? null : Number(row.seq),
    sector: row.sector,
    receivedAt: row.received_at,
  };
}

/** Query.readings: validated arguments, the caller's access to the meter, one parameterised interval scan. */
export async function resolveReadings(_: unknown, args: ReadingsArgs, context: GraphqlContext) {
  validateId('meterId', args.meterId);
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  validatePageSize('limit', args.limit, context.limits.maxRows);
  await requireMeterAccess(context, args.meterId);
  const params: unknown[] = [args.meterId, args.from.toISOString(), args.to.toISOString()];
  // A customer sees the meter's readings only from when it was theirs (ownership.ts).
  const owned = (await customerOwnership(context, [args.meterId]))?.get(args.meterId);
  const clamp = owned ? ` AND ${intervalsSql(owned, params)}` : '';
  const result = await context.questdb.query<ReadingRow>(
    `SELECT ${readingColumns} FROM readings WHERE ${r.meter_id} = $1 AND ${r.ts} >= $2 AND ${r.ts} < $3${clamp} ORDER BY ${r.ts} LIMIT $${params.push(args.limit)}`,
    params,
  );
  return result.rows.map(readingFromRow);
}

/** Meter.lastReading: the meter's latest row (LATEST ON with the meter filter applied first). */
export async function lastReading(context: GraphqlContext, meterId: string) {
  const params: unknown[] = [meterId];
  // A new owner's "last reading" is not the previous owner's (ownership.ts); WHERE applies before LATEST ON.
  const owned = (await customerOwnership(context, [meterId]))?.get(meterId);
  const clamp = owned ? ` AND ${intervalsSql(owned, params)}` : '';
  const { rows } = await context.questdb.query<ReadingRow>(`SELECT ${readingColumns} FROM readings WHERE ${r.meter_id} = $1${clamp} LATEST ON ${r.ts} PARTITION BY ${r.meter_id}`, params);
  return rows[0] ? readingFromRow(rows[0]) : null;
}
