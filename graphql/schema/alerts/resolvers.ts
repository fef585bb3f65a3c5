import { alertsTable, storedAlertColumns, type StoredAlertRow } from '../../../core/streams/alerts';
import { requireMeterAccess } from '../../auth/authorize';
import type { GraphqlContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { validateId, validateRange } from '../arguments';
import { paginate, pageRequest } from '../meters/connection';
import { alertFromSql, alertSortKey, currentAlerts, leakRuleKinds, type AlertView } from './alert-queries';

interface AlertFilter {
  meterId?: string | null;
  sector?: string | null;
  state?: 'OPEN' | 'ACKNOWLEDGED' | 'CLOSED' | null;
  ruleKind?: string | null;
  severity?: string | null;
  from?: Date | null;
  to?: Date | null;
}

interface PageArgs {
  first: number;
  after?: string | null;
}

/** Enum value (CONTINUOUS_FLOW) <-> stored rule kind (continuous-flow). */
export const ruleKindEnum = (stored: string) => stored.toUpperCase().replaceAll('-', '_');
const ruleKindStored = (value: string) => value.toLowerCase().replaceAll('_', '-');

/** Checks a filter's arguments (before anything runs) and returns the time window, if any. */
function checkFilter(filter: AlertFilter, field: string, context: GraphqlContext): { from: Date; to: Date } | null {
  if (filter.meterId != null) validateId(`${field}.meterId`, filter.meterId);
  if (filter.sector != null) validateId(`${field}.sector`, filter.sector);
  if ((filter.from == null) !== (filter.to == null)) throw badInput(filter.from == null ? `${field}.from` : `${field}.to`, 'from and to go together');
  if (filter.from && filter.to) {
    validateRange(filter.from, filter.to, context.limits.maxRangeMs, [`${field}.from`, `${field}.to`]);
    return { from: filter.from, to: filter.to };
  }
  return null;
}

/** An alert overlaps [from, to) when it started before `to` and had not ended before `from`. */
const overlaps = (a: AlertView, window: { from: Date; to: Date }) =>
  (a.startedAt?.getTime() ?? 0) < window.to.getTime() && (a.endedAt === null || a.endedAt.getTime() >= window.from.getTime());

async function alertsPage(context: GraphqlContext, filter: AlertFilter, args: PageArgs, field: string, ruleKinds: readonly string[] | null, extra: (a: AlertView) => boolean = () => true) {
  const window = checkFilter(filter, field, context);
  const page = pageRequest(args, 2, context.limits.maxPageSize);
  if (filter.meterId) await requireMeterAccess(context, filter.meterId, `${field}.meterId`);
  const alerts = (await currentAlerts(context, { meterId: filter.meterId, sector: filter.sector, ruleKinds })).filter(
    (a) =>
      (!filter.state || a.state === filter.state) &&
      (!filter.ruleKind || a.ruleKind === ruleKindStored(filter.ruleKind)) &&
      (!filter.severity || a.severity === filter.severity.toLowerCase()) &&
      (!window || overlaps(a, window)) &&
      extra(a),
  );
  return paginate(alerts, alertSortKey, page);
}

export const alertsResolvers = {
  Query: {
    alerts: (_: unknown, args: PageArgs & { filter?: AlertFilter | null }, context: GraphqlContext) => alertsPage(context, args.filter ?? {}, args, 'filter', null),
    leaks: (_: unknown, args: PageArgs & { filter?: { sector?: string | null; meterId?: string | null; open?: boolean | null } | null }, context: GraphqlContext) => {
      const f = args.filter ?? {};
      const open = f.open;
      return alertsPage(context, { sector: f.sector, meterId: f.meterId }, args, 'filter', leakRuleKinds, open == null ? undefined : (a) => (a.state !== 'CLOSED') === open);
    },
    alert: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
      validateId('id', args.id);
      const [alert] = await currentAlertById(context, args.id);
      if (!alert) throw notFound('id', `no alert ${JSON.stringify(args.id)}`);
      await requireMeterAccess(context, alert.meterId);
      return alert;
    },
  },
  Alert: {
    ruleKind: (a: AlertView) => ruleKindEnum(a.ruleKind),
    severity: (a: AlertView) => a.severity.toUpperCase(),
    state: (a: AlertView) => a.state.toUpperCase(),
    durationS: async (a: AlertView, _: unknown, context: GraphqlContext) => {
      if (!a.startedAt) return null;
      // Event time throughout: an alert still in force lasts until the meter's last reading.
      const end = a.endedAt ?? (await context.meters.get(a.meterId))?.lastSeenAt ?? null;
      return end === null ? null : Math.max(0, (end.getTime() - a.startedAt.getTime()) / 1000);
    },
    meter: (a: AlertView, _: unknown, context: GraphqlContext) => context.meters.get(a.meterId),
  },
};

const al = alertsTable.columns;

/** One alert's current state, whoever's meter it is (the caller's access is checked after). */
async function currentAlertById(context: GraphqlContext, id: string): Promise<AlertView[]> {
  const { rows } = await context.questdb.query<StoredAlertRow>(`SELECT ${storedAlertColumns} FROM alerts WHERE ${al.alert_id} = $1 LATEST ON ${al.ts} PARTITION BY ${al.alert_id}`, [id]);
  return rows.map(alertFromSql);
}
