import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { GraphqlServices } from '../context';
import type { PendingPayment } from './pending-payments';

/** What is owed on one payable invoice (final or adjusted; provisional bills are not payable). */
export interface InvoiceBalance {
  invoiceId: string;
  meterId: string;
  status: string;
  currency: string;
  totalCents: number;
  paidCents: number;
  /** total - paid; negative for a credit (an adjustment in the customer's favour) or an overpayment. */
  balanceCents: number;
  /** Local date (YYYY-MM-DD) as billed. */
  dueDate: string | null;
  /** The invoice row's designated timestamp (period start): fixed per invoice, the payments' ts. */
  periodStart: Date;
  /** The customer billed; null = none named. */
  customerId: string | null;
}

interface Row {
  ts: Date;
  invoice_id: string;
  meter_id: string;
  status: string;
  currency: string;
  total_cents: string | number;
  due_date: string | null;
  customer_id: string | null;
  paid: string | number | null;
}

const payable = `status IN ('final', 'adjusted')`;

/**
 * Payable invoices with what was paid on each: invoices (one row per id: a final replaces its
 * provisional) left-joined with the sum of payments, payments this process just wrote counted
 * from memory instead (pending-payments.ts).
 */
export async function invoiceBalances(
  { questdb, recentWrites }: { questdb: QuestdbPool; recentWrites: Pick<GraphqlServices['recentWrites'], 'pendingPayments'> },
  where: { invoiceId?: string; meterId?: string; dueBefore?: string },
  /** A payment left out of the sums: one about to be (re)written, which replaces rather than adds to its stored copy. */
  exceptPaymentId?: string,
): Promise<InvoiceBalance[]> {
  const pending = recentWrites.pendingPayments.values().filter((p) => p.paymentId !== exceptPaymentId);
  const params: unknown[] = [];
  const filters: string[] = [];
  if (where.invoiceId !== undefined) filters.push(`i.invoice_id = $${params.push(where.invoiceId)}`);
  if (where.meterId !== undefined) filters.push(`i.meter_id = $${params.push(where.meterId)}`);
  if (where.dueBefore !== undefined) filters.push(`i.due_date < $${params.push(where.dueBefore)}`);
  const filter = filters.join(' AND ') || 'true';
  const excluded = [...pending.map((p) => p.paymentId), ...(exceptPaymentId === undefined ? [] : [exceptPaymentId])];
  const exclude = excluded.length > 0 ? `WHERE payment_id NOT IN (${excluded.map((id) => `$${params.push(id)}`).join(', ')})` : '';
  const { rows } = await questdb.query<Row>(
    `SELECT i.ts, i.invoice_id, i.meter_id, i.status, i.currency, i.total_cents, i.due_date, i.customer_id, p.paid
       FROM invoices i
       LEFT JOIN (SELECT invoice_id, sum(amount_cents) paid FROM payments ${exclude} GROUP BY invoice_id) p ON i.invoice_id = p.invoice_id
      WHERE ${filter} AND i.${payable}`,
    params,
  );
  return rows.map((row) => {
    const paidCents = Number(row.paid ?? 0) + sumFor(pending, row.invoice_id);
    const totalCents = Number(row.total_cents);
    return {
      invoiceId: row.invoice_id,
      meterId: row.meter_id,
      status: row.status,
      currency: row.currency,
      totalCents,
      paidCents,
      balanceCents: totalCents - paidCents,
      dueDate: row.due_date,
      periodStart: row.ts,
      customerId: row.customer_id,
    };
  });
}

function sumFor(pending: readonly PendingPayment[], invoiceId: string): number {
  return pending.filter((p) => p.invoiceId === invoiceId).reduce((sum, p) => sum + p.cents, 0);
}

/** Sum of balances whose due date is before `today` (YYYY-MM-DD): what makes a meter a debtor. */
export function overdueCents(balances: readonly InvoiceBalance[], today: string): number {
  return balances.filter((b) => b.dueDate !== null && b.dueDate < today).reduce((sum, b) => sum + b.balanceCents, 0);
}
