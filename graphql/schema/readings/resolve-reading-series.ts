import { requireMeterAccess } from '../../auth/authorize';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { validateId, validateRange } from '../arguments';
import { readingSeriesSql, validateBucketCount, type Aggregate, type Bucket, type Quantity } from './bucket-sql';
import { validateTimeZone } from './time-zone';

interface SeriesArgs {
  meterId: string;
  from: Date;
  to: Date;
  bucket: Bucket;
  aggregate: Aggregate;
  of: Quantity;
  /** null / absent: the meter's own zone. */
  timeZone?: string | null;
}

interface BucketRow {
  ts: Date;
  value: number | string | null;
  n: string | number;
}

/**
 * Query.readingSeries: one meter's readings in calendar-aligned buckets (SAMPLE BY ... ALIGN TO
 * CALENDAR TIME ZONE), every argument checked before anything runs.
 */
export async function resolveReadingSeries(_: unknown, args: SeriesArgs, context: GraphqlContext) {
  validateId('meterId', args.meterId);
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  if (args.timeZone != null) validateTimeZone('timeZone', args.timeZone);
  validateBucketCount('bucket', args.bucket, args.from, args.to, context.limits.maxRows);
  const meter = await requireMeterAccess(context, args.meterId);
  // A meter's days are its own local days, as billing and night-flow detection count them.
  const zone = args.timeZone ?? meter.timeZone ?? context.billingTimeZone;
  const params: unknown[] = [args.meterId, args.from.toISOString(), args.to.toISOString(), zone];
  // A customer's buckets count only readings from when the meter was theirs (ownership.ts).
  const owned = (await customerOwnership(context, [args.meterId]))?.get(args.meterId);
  const { rows } = await context.questdb.query<BucketRow>(readingSeriesSql(args.bucket, args.aggregate, args.of, owned ? intervalsSql(owned, params) : null), params);
  return rows.map((r) => ({ ts: r.ts, value: r.value === null ? null : Number(r.value), count: Number(r.n) }));
}
