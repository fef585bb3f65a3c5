import type { QuestdbPool } from '../../core/questdb/questdb-sql';

export interface DebtorMeter {
  meterId: string;
  /** Sum of balances of invoices overdue by more than the grace, in cents. */
  overdueCents: number;
  /** The oldest such invoice: the cause recorded with the block. */
  invoiceId: string;
}

interface Row {
  invoice_id: string;
  meter_id: string;
  total_cents: string | number;
  due_date: string;
  paid: string | number | null;
}

/**
 * Meters owing money on final/adjustment invoices due before `cutoffDate` (YYYY-MM-DD: today
 * minus the policy's days). Due dates are the billing zone's local dates; comparing them with a
 * UTC date moves the cut by at most a day.
 */
export async function findDebtors(questdb: QuestdbPool, cutoffDate: string): Promise<DebtorMeter[]> {
  const { rows } = await questdb.query<Row>(
    `SELECT i.invoice_id, i.meter_id, i.total_cents, i.due_date, p.paid
       FROM invoices i
       LEFT JOIN (SELECT invoice_id, sum(amount_cents) paid FROM payments GROUP BY invoice_id) p ON i.invoice_id = p.invoice_id
      WHERE i.status IN ('final', 'adjusted') AND i.due_date < $1`,
    [cutoffDate],
  );
  return debtorsFromBalances(rows.map((r) => ({ invoiceId: r.invoice_id, meterId: r.meter_id, balanceCents: Number(r.total_cents) - Number(r.paid ?? 0), dueDate: r.due_date })));
}

/** Per meter: the overdue sum (credits count against it), kept when positive. */
export function debtorsFromBalances(invoices: readonly { invoiceId: string; meterId: string; balanceCents: number; dueDate: string }[]): DebtorMeter[] {
  const byMeter = new Map<string, { overdueCents: number; oldest: { invoiceId: string; dueDate: string } }>();
  for (const invoice of invoices) {
    const entry = byMeter.get(invoice.meterId);
    if (!entry) {
      byMeter.set(invoice.meterId, { overdueCents: invoice.balanceCents, oldest: invoice });
      continue;
    }
    entry.overdueCents += invoice.balanceCents;
    if (invoice.balanceCents > 0 && (invoice.dueDate < entry.oldest.dueDate || (invoice.dueDate === entry.oldest.dueDate && invoice.invoiceId < entry.oldest.invoiceId))) entry.oldest = invoice;
  }
  return [...byMeter]
    .filter(([, e]) => e.overdueCents > 0)
    .map(([meterId, e]) => ({ meterId, overdueCents: e.overdueCents, invoiceId: e.oldest.invoiceId }))
    .sort((a, b) => a.meterId.localeCompare(b.meterId));
}
