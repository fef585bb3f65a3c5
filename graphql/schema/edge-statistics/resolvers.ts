import { edgeStatisticsTable, storedEdgeStatsColumns, storedEdgeStatsFromRow, type StoredEdgeStats, type StoredEdgeStatsRow } from '../../../core/streams/edge-statistics';
import { requireMeterAccess } from '../../auth/authorize';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { guardSubscription } from '../../live/guarded-subscription';
import { validatePageSize, validateRange } from '../arguments';

const es = edgeStatisticsTable.columns;

interface EdgeStatisticsArgs {
  from: Date;
  to: Date;
  limit: number;
}

/** Meter.edgeStatistics: validated arguments (the Meter parent already passed the access check), one interval scan. */
export async function edgeStatisticsOf(context: GraphqlContext, meterId: string, args: EdgeStatisticsArgs): Promise<StoredEdgeStats[]> {
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  validatePageSize('limit', args.limit, context.limits.maxRows);
  const params: unknown[] = [meterId, args.from.toISOString(), args.to.toISOString()];
  // A customer sees the meter's summaries only from when it was theirs (ownership.ts).
  const owned = (await customerOwnership(context, [meterId]))?.get(meterId);
  const clamp = owned ? ` AND ${intervalsSql(owned, params)}` : '';
  const { rows } = await context.questdb.query<StoredEdgeStatsRow>(
    `SELECT ${storedEdgeStatsColumns} FROM ${edgeStatisticsTable.name} WHERE ${es.meter_id} = $1 AND ${es.ts} >= $2 AND ${es.ts} < $3${clamp} ORDER BY ${es.ts} LIMIT $${params.push(args.limit)}`,
    params,
  );
  return rows.map(storedEdgeStatsFromRow);
}

export const edgeStatisticsResolvers = {
  Meter: {
    edgeStatistics: (m: { meterId: string }, args: EdgeStatisticsArgs, context: GraphqlContext) => edgeStatisticsOf(context, m.meterId, args),
  },
  Subscription: {
    edgeStatistics: {
      /** Access is checked at the start and again every subscriptionRecheckMs (the meter may move to another customer). */
      async subscribe(_: unknown, args: { meterId: string }, context: GraphqlContext) {
        await requireMeterAccess(context, args.meterId);
        return guardSubscription(context.live.edgeStatistics(args.meterId), {
          recheckMs: context.subscriptionRecheckMs,
          ...(context.principal.expiresAt !== undefined ? { expiresAt: context.principal.expiresAt } : {}),
          stillAllowed: () => requireMeterAccess(context, args.meterId).then(() => true, () => false),
          onEnd: (reason) => context.logger.info('subscription ended by the server', { reason, subject: context.principal.subject, meterId: args.meterId }),
        });
      },
      resolve: (payload: StoredEdgeStats) => payload,
    },
  },
};
