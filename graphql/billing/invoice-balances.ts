import type { QuestdbPool } from '../../core/questdb/questdb-sql';

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
}

interface Row {
  invoice_id: string;
  meter_id: string;
  status: string;
  currency: string;
  total_cents: string | number;
  due_date: string | null;
  paid: string | number | null;
}

const payable = `status IN ('final', 'adjusted')`;

/**
 * Payable invoices with what was paid on each: invoices (one row per id: a final replaces its
 * provisional) left-joined with the sum of payments. `extraPaid` adds payments this process has
 * just written and QuestDB may not show yet.
 */
export async function invoiceBalances(questdb: QuestdbPool, where: { invoiceId?: string; meterId?: string }, extraPaid: ReadonlyMap<string, number> = new Map()): Promise<InvoiceBalance[]> {
  const filter = where.invoiceId !== undefined ? 'i.invoice_id = $1' : 'i.meter_id = $1';
  const { rows } = await questdb.query<Row>(
    `SELECT i.invoice_id, i.meter_id, i.status, i.currency, i.total_cents, i.due_date, p.paid
       FROM invoices i
       LEFT JOIN (SELECT invoice_id, sum(amount_cents) paid FROM payments GROUP BY invoice_id) p ON i.invoice_id = p.invoice_id
      WHERE ${filter} AND i.${payable}`,
    [where.invoiceId ?? where.meterId],
  );
  return rows.map((row) => {
    const paidCents = Number(row.paid ?? 0) + (extraPaid.get(row.invoice_id) ?? 0);
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
    };
  });
}

/** Sum of balances whose due date is before `today` (YYYY-MM-DD): what makes a meter a debtor. */
export function overdueCents(balances: readonly InvoiceBalance[], today: string): number {
  return balances.filter((b) => b.dueDate !== null && b.dueDate < today).reduce((sum, b) => sum + b.balanceCents, 0);
}
