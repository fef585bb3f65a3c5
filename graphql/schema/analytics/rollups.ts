import { rollupsTable } from '../../../core/streams/window-results';
import type { GraphqlContext } from '../../context';
import { badInput, forbidden } from '../../errors';
import { validateId, validateRange } from '../arguments';
import { bucketUnits, validateBucketCount, type Bucket } from '../readings/bucket-sql';

export type RollupScope = 'SECTOR' | 'FLEET';

interface RollupsArgs {
  scope: RollupScope;
  scopeId?: string | null;
  bucket: Bucket;
  from: Date;
  to: Date;
}

interface RollupRow {
  ts: Date;
  bucket_end: Date | null;
  n: string | number;
  total: number | null;
  lo: number | null;
  hi: number | null;
  parts: string | number;
}

// The rolling-averages processor's scope id of the fleet-wide rollups.
const fleetScopeId = 'all';

/**
 * Sums the per-Kafka-partition partial rows of each bucket (count and sum add up, min of mins,
 * max of maxes; mean = sum / count) — a reader must, since each partition's task writes its own.
 */
const ru = rollupsTable.columns;
export const rollupsSql = `SELECT ${ru.ts}, max(${ru.bucket_end}) bucket_end, sum(${ru.count}) n, sum(${ru.sum}) total, min(${ru.min}) lo, max(${ru.max}) hi, count() parts
  FROM rollups WHERE ${ru.scope} = $1 AND ${ru.scope_id} = $2 AND ${ru.bucket} = $3 AND ${ru.ts} >= $4 AND ${ru.ts} < $5 ORDER BY ${ru.ts}`;

/** Query.rollups: aggregates over every customer's meters, hence not for customers. */
export async function resolveRollups(_: unknown, args: RollupsArgs, context: GraphqlContext) {
  if (context.principal.role === 'customer') throw forbidden('rollups aggregate every customer\'s meters: admin and analyst only');
  if (args.scope === 'SECTOR') {
    if (!args.scopeId) throw badInput('scopeId', 'is required for scope SECTOR');
    validateId('scopeId', args.scopeId);
  } else if (args.scopeId) {
    throw badInput('scopeId', 'must be omitted for scope FLEET');
  }
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  validateBucketCount('bucket', args.bucket, args.from, args.to, context.limits.maxRows);
  const scopeId = args.scope === 'SECTOR' ? args.scopeId! : fleetScopeId;
  const { rows } = await context.questdb.query<RollupRow>(
    // GROUP BY ts is implied by the aggregates over the non-aggregated ts column.
    rollupsSql,
    [args.scope.toLowerCase(), scopeId, bucketUnits[args.bucket], args.from.toISOString(), args.to.toISOString()],
  );
  return rows.map((r) => {
    const count = Number(r.n);
    return { scope: args.scope, scopeId, bucket: args.bucket, ts: r.ts, end: r.bucket_end, count, sum: r.total, mean: count > 0 && r.total !== null ? r.total / count : null, min: r.lo, max: r.hi, partitions: Number(r.parts) };
  });
}
