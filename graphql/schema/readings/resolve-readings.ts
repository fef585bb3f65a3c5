import { readingsTable, storedReadingColumns, storedReadingFromRow, type StoredReadingRow } from '../../../core/streams/readings';
import type { GraphqlContext } from '../../context';
import { requireMeterAccess } from '../../auth/authorize';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import { validateId, validatePageSize, validateRange } from '../arguments';

const rd = readingsTable.columns;

interface ReadingsArgs {
  meterId: string;
  from: Date;
  to: Date;
  limit: number;
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
  const result = await context.questdb.query<StoredReadingRow>(
    `SELECT ${storedReadingColumns} FROM readings WHERE ${rd.meter_id} = $1 AND ${rd.ts} >= $2 AND ${rd.ts} < $3${clamp} ORDER BY ${rd.ts} LIMIT $${params.push(args.limit)}`,
    params,
  );
  return result.rows.map(storedReadingFromRow);
}

/** Meter.lastReading: the meter's latest row (LATEST ON with the meter filter applied first). */
export async function lastReading(context: GraphqlContext, meterId: string) {
  const params: unknown[] = [meterId];
  // A new owner's "last reading" is not the previous owner's (ownership.ts); WHERE applies before LATEST ON.
  const owned = (await customerOwnership(context, [meterId]))?.get(meterId);
  const clamp = owned ? ` AND ${intervalsSql(owned, params)}` : '';
  const { rows } = await context.questdb.query<StoredReadingRow>(`SELECT ${storedReadingColumns} FROM readings WHERE ${rd.meter_id} = $1${clamp} LATEST ON ${rd.ts} PARTITION BY ${rd.meter_id}`, params);
  return rows[0] ? storedReadingFromRow(rows[0]) : null;
}
