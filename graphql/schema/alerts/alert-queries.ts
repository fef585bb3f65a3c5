import { alertsTable, storedAlertColumns, storedAlertFromRow, type StoredAlert, type StoredAlertRow } from '../../../core/streams/alerts';
import { customerScope } from '../../auth/authorize';
import { customerOwnership, withinIntervals } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { sqlStringList } from '../analytics/sql-literals';

/** An alert's current state (its latest row) as the Alert type's fields; state upper-case as the schema's enum. */
export type AlertView = Omit<StoredAlert, 'alertId'> & { id: string };

/** The rule kinds of leak detection (water). */
export const leakRuleKinds = ['continuous-flow', 'night-flow', 'burst'] as const;

export interface AlertScope {
  meterId?: string | null;
  sector?: string | null;
  ruleKinds?: readonly string[] | null;
}

const al = alertsTable.columns;

/** A stored alert row as the Alert type's fields: the state upper-case, as the schema's enum. */
export function alertFromSql(row: StoredAlertRow): AlertView {
  const { alertId, state, ...rest } = storedAlertFromRow(row);
  return { ...rest, id: alertId, state: state.toUpperCase() };
}

/** Newest start first, then id: the order of alert lists and their cursors. */
export const alertSortKey = (a: AlertView): [number, string] => [-(a.startedAt?.getTime() ?? 0), a.id];

/**
 * The current state of every alert in scope: the latest row per alert_id (LATEST ON). Only
 * columns that are the same on every row of an alert (meter, sector, rule kind) are filtered
 * before LATEST ON; anything about the state must be filtered after it, in the caller.
 * Customers get only their meters' alerts.
 */
export async function currentAlerts(context: GraphqlContext, scope: AlertScope): Promise<AlertView[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (scope.meterId) where.push(`${al.meter_id} = $${params.push(scope.meterId)}`);
  if (scope.sector) where.push(`${al.sector} = $${params.push(scope.sector)}`);
  // A fixed list from this module, never client text.
  if (scope.ruleKinds) where.push(`${al.rule_kind} IN ${sqlStringList(scope.ruleKinds)}`);
  const customer = customerScope(context);
  const allowed = customer === null ? null : new Set((await context.meters.list({ customerId: customer })).map((m) => m.meterId));
  // A customer's query reads their meters' alerts only, not the fleet's then filtered here.
  if (allowed !== null) {
    if (allowed.size === 0) return [];
    where.push(`${al.meter_id} IN ${sqlStringList([...allowed])}`);
  }
  const { rows } = await context.questdb.query<StoredAlertRow>(
    `SELECT ${storedAlertColumns} FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} LATEST ON ${al.ts} PARTITION BY ${al.alert_id}`,
    params,
  );
  // A customer sees the alerts that began while the meter was theirs (ownership.ts).
  const owned = allowed === null ? null : await customerOwnership(context, [...allowed]);
  return rows
    .filter((r) => owned === null || withinIntervals(owned.get(r.meter_id) ?? [], (r.started_at ?? r.ts).getTime()))
    .map(alertFromSql)
    .sort((a, b) => {
      const [x, y] = [alertSortKey(a), alertSortKey(b)];
      return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
    });
}

/** Meter.openAlerts: the meter's alerts whose current state is not closed. */
export async function openAlertsOf(context: GraphqlContext, meterId: string): Promise<AlertView[]> {
  return (await currentAlerts(context, { meterId })).filter((a) => a.state !== 'CLOSED');
}
