import { invoiceBalances } from '../billing/invoice-balances';
import type { GraphqlServices } from '../context';

export interface DebtorMeter {
  meterId: string;
  /** Sum of balances of invoices overdue by more than the grace, in cents. */
  overdueCents: number;
  /** The oldest such invoice: the cause recorded with the block. */
  invoiceId: string;
}

/**
 * Meters owing money on final/adjustment invoices due before `cutoffDate` (YYYY-MM-DD: today
 * minus the policy's days). Due dates are the billing zone's local dates; comparing them with a
 * UTC date moves the cut by at most a day.
 */
export async function findDebtors(services: Pick<GraphqlServices, 'questdb' | 'recentWrites' | 'meters'>, cutoffDate: string): Promise<DebtorMeter[]> {
  const balances = await invoiceBalances(services, { dueBefore: cutoffDate });
  const owners = new Map<string, string | null>();
  for (const meterId of new Set(balances.filter((b) => b.customerId !== null).map((b) => b.meterId))) owners.set(meterId, (await services.meters.get(meterId))?.customerId ?? null);
  return debtorsFromBalances(
    balances.map((b) => ({ invoiceId: b.invoiceId, meterId: b.meterId, balanceCents: b.balanceCents, dueDate: b.dueDate ?? '', customerId: b.customerId })),
    (meterId) => owners.get(meterId) ?? null,
  );
}

/**
 * Per meter: the overdue sum (credits count against it), kept when positive. Only the debt of
 * the meter's current owner counts (`ownerOf`): invoices naming another customer (one who moved
 * out) never cut the water of the one living there now; invoices naming nobody count.
 */
export function debtorsFromBalances(
  invoices: readonly { invoiceId: string; meterId: string; balanceCents: number; dueDate: string; customerId?: string | null }[],
  ownerOf: (meterId: string) => string | null = () => null,
): DebtorMeter[] {
  const byMeter = new Map<string, { overdueCents: number; oldest: { invoiceId: string; dueDate: string } }>();
  for (const invoice of invoices) {
    if (invoice.customerId != null && invoice.customerId !== ownerOf(invoice.meterId)) continue;
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
