import { customerScope, requireMeterAccess } from '../../auth/authorize';
import type { GraphqlContext } from '../../context';
import { badInput, forbidden } from '../../errors';
import { metersOnceOwnedBy } from '../../meters/owner-changes';
import { validateId } from '../arguments';
import { paginate, pageRequest } from '../meters/connection';
import { invoiceSortKey, invoicesOfMeters, periodPattern, projectionOf, withLinesAndPayments, type InvoiceView } from './invoice-queries';

interface InvoicesArgs {
  meterId?: string | null;
  customerId?: string | null;
  period?: string | null;
  first: number;
  after?: string | null;
}

/** Query.invoices: one meter's or one customer's invoices, newest period first; lines and payments in two queries per page. */
export async function resolveInvoices(_: unknown, args: InvoicesArgs, context: GraphqlContext) {
  if ((args.meterId == null) === (args.customerId == null)) throw badInput(args.meterId == null ? 'meterId' : 'customerId', 'give exactly one of meterId and customerId');
  if (args.period != null && !periodPattern.test(args.period)) throw badInput('period', `"${args.period}" is not a period: YYYY-MM (every period starting that month) or YYYY-MM-DD (a period label)`);
  let meterIds: string[];
  if (args.meterId != null) {
    validateId('meterId', args.meterId);
    const page = pageRequest(args, 2, context.limits.maxPageSize);
    await requireMeterAccess(context, args.meterId);
    meterIds = [args.meterId];
    return pageOf(context, meterIds, args.period ?? null, page);
  }
  validateId('customerId', args.customerId!);
  const scope = customerScope(context);
  if (scope !== null && scope !== args.customerId) throw forbidden('customerId: customers may only read their own invoices');
  const page = pageRequest(args, 2, context.limits.maxPageSize);
  // Their meters, and the ones they moved out of (their invoices of those stay theirs).
  const current = (await context.meters.list({ customerId: args.customerId })).map((m) => m.meterId);
  meterIds = [...new Set([...current, ...(await metersOnceOwnedBy(context, args.customerId!))])];
  return pageOf(context, meterIds, args.period ?? null, page);
}

async function pageOf(context: GraphqlContext, meterIds: string[], period: string | null, page: ReturnType<typeof pageRequest>) {
  const connection = paginate(await invoicesOfMeters(context, meterIds, period), invoiceSortKey, page);
  const full = await withLinesAndPayments(context, connection.edges.map((e) => e.node));
  return { ...connection, edges: connection.edges.map((e, i) => ({ cursor: e.cursor, node: full[i]! })) };
}

export const invoicesResolvers = {
  Query: { invoices: resolveInvoices },
  Invoice: {
    meter: (i: InvoiceView, _: unknown, context: GraphqlContext) => context.meters.get(i.meterId),
    lines: (i: InvoiceView) => i.lines.map((l) => ({ ...l, kind: l.kind.toUpperCase(), adjusts: l.adjusts?.toUpperCase() ?? null })),
    readStatus: (i: InvoiceView) => i.readStatus.toUpperCase().replace('-', '_'),
    projection: (i: InvoiceView, _: unknown, context: GraphqlContext) => projectionOf(context, i),
  },
};
