import { eraseCustomerData, type ErasureReport } from '../../../core/gdpr/customer-data-erasure';
import { customerPseudonym } from '../../../core/gdpr/pseudonym';
import type { GraphqlContext } from '../../context';
import { badInput } from '../../errors';
import { validateId } from '../arguments';

interface ExportView {
  url: string;
  expiresAt: Date;
  rowCounts: { table: string; rows: number }[];
  periods: { meterId: string; from: Date | null; to: Date | null }[];
}

type ErasureView = Omit<ErasureReport, 'periods' | 'tables'> & {
  erasedAt: Date;
  periods: ExportView['periods'];
  tables: { table: string; rows: number; action: string }[];
};

const date = (iso: string | null) => (iso === null ? null : new Date(iso));

async function exportData(customerId: string, context: GraphqlContext & { request?: Request }): Promise<ExportView> {
  validateId('customerId', customerId);
  // Without MF_INVOICE_DOCUMENT_BASE_URL, links start with the origin this request reached.
  const origin = context.request ? new URL(context.request.url).origin : '';
  const made = await context.customerExports.create(customerId, origin);
  const { manifest } = made.export;
  return {
    url: made.url,
    expiresAt: made.expiresAt,
    rowCounts: manifest.tables.map((t) => ({ table: t.table, rows: t.rows })),
    periods: manifest.periods.map((p) => ({ meterId: p.meterId, from: date(p.from), to: date(p.to) })),
  };
}

async function erase(customerId: string, context: GraphqlContext): Promise<ErasureView> {
  const report = await context.mutations.exclusive(`gdpr:${customerId}`, () =>
    eraseCustomerData(context.questdb, customerId, { pseudonymKey: context.gdpr.pseudonymKey, defaultZone: context.billingTimeZone }),
  );
  // This server's read-your-writes memory of owner changes would still name them (other replicas' expires in 10 minutes).
  for (const c of [...context.recentWrites.ownerChanges.values()]) {
    if (c.customerId === customerId || c.previousCustomerId === customerId) context.recentWrites.ownerChanges.delete(`${c.meterId}@${c.from}`);
  }
  return {
    ...report,
    erasedAt: new Date(),
    periods: report.periods.map((p) => ({ meterId: p.meterId, from: date(p.from), to: date(p.to) })),
    tables: report.tables.map((t) => ({ ...t, action: t.action.toUpperCase() })),
  };
}

const recorded = async (record: unknown) => record as never;

export const gdprResolvers = {
  Mutation: {
    exportCustomerData: (_: unknown, args: { customerId: string }, context: GraphqlContext) =>
      context.mutations.run(
        context,
        {
          operation: 'exportCustomerData',
          target: args.customerId,
          args,
          idempotencyKey: null,
          // The link is a capability: the audit row keeps what was exported, not the link.
          toRecord: (e: ExportView) => ({ rowCounts: e.rowCounts, expiresAt: e.expiresAt.toISOString() }),
          fromRecord: recorded,
        },
        () => exportData(args.customerId, context),
      ),
    eraseCustomerData: (_: unknown, args: { customerId: string; confirm: string }, context: GraphqlContext) => {
      // Checked before the audit row is written, which must never hold the id: only its pseudonym.
      validateId('customerId', args.customerId);
      if (args.confirm !== args.customerId) throw badInput('confirm', 'must repeat the customer id exactly: erasure cannot be undone');
      const pseudonym = customerPseudonym(context.gdpr.pseudonymKey, args.customerId);
      return context.mutations.run(
        context,
        {
          operation: 'eraseCustomerData',
          target: pseudonym,
          args: { pseudonym },
          idempotencyKey: null,
          toRecord: (r: ErasureView) => ({ pseudonym: r.pseudonym, tables: r.tables, remaining: r.remaining, meters: r.periods.length }),
          fromRecord: recorded,
        },
        () => erase(args.customerId, context),
      );
    },
  },
};
