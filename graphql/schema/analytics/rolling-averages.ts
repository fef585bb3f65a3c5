import { sqlColumns } from '../../../core/questdb/table-spec';
import { rollingAveragesTable } from '../../../core/streams/window-results';
import { requireMeterAccess } from '../../auth/authorize';
import type { GraphqlContext } from '../../context';
import { badInput } from '../../errors';
import { validateId, validateRange } from '../arguments';

export interface RollingAveragesArgs {
  meterId: string;
  window: string;
  from?: Date | null;
  to?: Date | null;
}

interface RollingRow {
  ts: Date;
  window_start: Date | null;
  count: string | number;
  sum: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

const ra = rollingAveragesTable.columns;
const rollingColumns = sqlColumns(rollingAveragesTable, ['ts', 'window_start', 'count', 'sum', 'mean', 'min', 'max']);
const windowPattern = /^\d{1,4}[smhd]$/;
const day = 86_400_000;

/** Checks window and range; from/to default to the 24 h before now. */
export function rollingRange(args: Pick<RollingAveragesArgs, 'window' | 'from' | 'to'>, maxRangeMs: number): { from: Date; to: Date } {
  if (!windowPattern.test(args.window)) throw badInput('window', `"${args.window}" is not a window size like 15m, 1h or 24h`);
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - day);
  validateRange(from, to, maxRangeMs);
  return { from, to };
}

/** One meter's rows of rolling_averages for a window size, window end in [from, to), oldest first (at most MF_GRAPHQL_MAX_ROWS). */
export async function rollingAveragesOf(context: GraphqlContext, args: RollingAveragesArgs) {
  const { from, to } = rollingRange(args, context.limits.maxRangeMs);
  const { rows } = await context.questdb.query<RollingRow>(
    `SELECT ${rollingColumns} FROM rolling_averages
      WHERE ${ra.meter_id} = $1 AND ${ra.window_size} = $2 AND ${ra.ts} >= $3 AND ${ra.ts} < $4 ORDER BY ${ra.ts} LIMIT $5`,
    [args.meterId, args.window, from.toISOString(), to.toISOString(), context.limits.maxRows],
  );
  return rows.map((r) => ({ meterId: args.meterId, window: args.window, windowStart: r.window_start, windowEnd: r.ts, count: Number(r.count), sum: r.sum, mean: r.mean, min: r.min, max: r.max }));
}

/** Query.rollingAverages: arguments checked, then the caller's access to the meter. */
export async function resolveRollingAverages(_: unknown, args: RollingAveragesArgs, context: GraphqlContext) {
  validateId('meterId', args.meterId);
  rollingRange(args, context.limits.maxRangeMs);
  await requireMeterAccess(context, args.meterId);
  return rollingAveragesOf(context, args);
}
