import { requireMeterAccess, customerScope } from '../../auth/authorize';
import type { MeterStatusView } from '../../commands/command-service';
import type { GraphqlContext } from '../../context';
import { forbidden } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { openAlertsOf } from '../alerts/alert-queries';
import { rollingAveragesOf, type RollingAveragesArgs } from '../analytics/rolling-averages';
import { validateId } from '../arguments';
import { currentBillOf, invoicePageOfMeter } from '../invoices/invoice-queries';
import { lastReading } from '../readings/resolve-readings';
import { paginate, pageRequest } from './connection';

/** A Meter parent: the directory record, with the status when the list prefetched it (one call per page). */
export type MeterParent = MeterRecord & { prefetchedStatus?: MeterStatusView };

const active: MeterStatusView = { status: 'ACTIVE', reason: null, note: null, since: null, commandId: null };

interface MetersArgs {
  filter?: { sector?: string | null; kind?: MeterRecord['kind'] | null; status?: 'ACTIVE' | 'BLOCKED' | null; customerId?: string | null } | null;
  first: number;
  after?: string | null;
}

/** Query.meters: the directory filtered (customers: their meters only), statuses in one call. */
export async function resolveMeters(_: unknown, args: MetersArgs, context: GraphqlContext) {
  const filter = args.filter ?? {};
  const scope = customerScope(context);
  if (filter.customerId != null) {
    validateId('filter.customerId', filter.customerId);
    if (scope !== null && filter.customerId !== scope) throw forbidden('filter.customerId: customers may only list their own meters');
  }
  const page = pageRequest(args, 1, context.limits.maxPageSize);
  let meters: MeterParent[] = await context.meters.list({ sector: filter.sector ?? null, kind: filter.kind ?? null, customerId: scope ?? filter.customerId ?? null });
  if (filter.status) {
    const statuses = await context.commands.meterStatuses(meters.map((m) => m.meterId));
    meters = meters
      .map((m) => ({ ...m, prefetchedStatus: statuses.get(m.meterId) ?? active }))
      .filter((m) => m.prefetchedStatus.status === filter.status);
  }
  const connection = paginate(meters, (m) => [m.meterId], page);
  const missing = connection.edges.filter((e) => !e.node.prefetchedStatus).map((e) => e.node.meterId);
  if (missing.length > 0) {
    const statuses = await context.commands.meterStatuses(missing);
    for (const edge of connection.edges) edge.node = { ...edge.node, prefetchedStatus: edge.node.prefetchedStatus ?? statuses.get(edge.node.meterId) ?? active };
  }
  return connection;
}

export const metersResolvers = {
  Query: {
    meter: (_: unknown, args: { id: string }, context: GraphqlContext) => requireMeterAccess(context, args.id, 'id'),
    meters: resolveMeters,
  },
  Meter: {
    id: (m: MeterParent) => m.meterId,
    lastReading: (m: MeterParent, _: unknown, context: GraphqlContext) => lastReading(context, m.meterId),
    status: async (m: MeterParent, _: unknown, context: GraphqlContext) => m.prefetchedStatus ?? (await context.commands.meterStatuses([m.meterId])).get(m.meterId) ?? active,
    rollingAverages: (m: MeterParent, args: Omit<RollingAveragesArgs, 'meterId'>, context: GraphqlContext) => rollingAveragesOf(context, { ...args, meterId: m.meterId }),
    openAlerts: (m: MeterParent, _: unknown, context: GraphqlContext) => openAlertsOf(context, m.meterId),
    currentBill: (m: MeterParent, _: unknown, context: GraphqlContext) => currentBillOf(context, m.meterId),
    invoices: (m: MeterParent, args: { first: number }, context: GraphqlContext) => invoicePageOfMeter(context, m.meterId, args.first),
  },
};
