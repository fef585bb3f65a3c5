import {
  invoiceLinesTable,
  invoicesTable,
  storedInvoiceColumns,
  storedInvoiceFromRow,
  storedInvoiceLineColumns,
  storedInvoiceLineFromRow,
  type StoredInvoice,
  type StoredInvoiceLine,
  type StoredInvoiceLineRow,
  type StoredInvoiceRow,
} from '../../../core/streams/invoices';
import { paymentsTable } from '../../../core/streams/payments';
import { formatCents } from '../../../core/units/money';
import { customerOwnership, withinIntervals } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { sqlStringList } from '../analytics/sql-literals';
import { validatePageSize } from '../arguments';
import type { SortKey } from '../meters/connection';

/** An invoice's row (invoices table) with its lines and payments, as the Invoice type's fields. */
export type InvoiceView = Omit<StoredInvoice, 'invoiceId' | 'status'> & {
  id: string;
  status: 'PROVISIONAL' | 'FINAL' | 'ADJUSTMENT';
  paidCents: number;
  balanceCents: number;
  lines: InvoiceLineView[];
};

/** A line of an invoice as the InvoiceLine type's fields: the stored line without its invoice's keys. */
export type InvoiceLineView = Omit<StoredInvoiceLine, 'invoiceId' | 'status' | 'issuedAt'>;

/** An invoice row before its lines and payments are added; storedStatus as in the table. */
export type InvoiceHead = Omit<InvoiceView, 'lines' | 'paidCents' | 'balanceCents'> & { storedStatus: string };

// Columns through the table specs, so a renamed column is a compile error here.
const inv = invoicesTable.columns;
const ln = invoiceLinesTable.columns;
const pay = paymentsTable.columns;
// Billing writes 'adjusted'; the API calls such an invoice an ADJUSTMENT.
const statusOf = (stored: string): InvoiceView['status'] => (stored === 'final' ? 'FINAL' : stored === 'adjusted' ? 'ADJUSTMENT' : 'PROVISIONAL');

/** Newest period first, then id (a final before its adjustments): the order of invoice lists and their cursors. */
export const invoiceSortKey = (i: { periodStart: Date; id: string }): SortKey => [-i.periodStart.getTime(), i.id];

/** Period filter: 'YYYY-MM' matches every period starting in that month, 'YYYY-MM-DD' one period label. */
export const periodPattern = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/**
 * The latest row of every invoice of these meters (LATEST ON ts PARTITION BY invoice_id: a
 * provisional invoice is rewritten in place and its final replaces it; adjustments are invoices
 * of their own), sorted newest period first. Lines and payments are not loaded here.
 */
export async function invoicesOfMeters(context: GraphqlContext, meterIds: readonly string[], period: string | null): Promise<InvoiceHead[]> {
  if (meterIds.length === 0) return [];
  const params: unknown[] = [];
  const where = [meterIds.length === 1 ? `${inv.meter_id} = $${params.push(meterIds[0])}` : `${inv.meter_id} IN ${sqlStringList(meterIds)}`];
  if (period) where.push(period.length === 7 ? `${inv.period_label} LIKE $${params.push(`${period}-%`)}` : `${inv.period_label} = $${params.push(period)}`);
  const { rows } = await context.questdb.query<StoredInvoiceRow>(`SELECT ${storedInvoiceColumns} FROM invoices WHERE ${where.join(' AND ')} LATEST ON ${inv.ts} PARTITION BY ${inv.invoice_id}`, params);
  // A customer sees the invoices billed to them (billing names the owner of the invoice's days),
  // and of invoices naming nobody (written before owners were billed) those of periods that began
  // while the meter was theirs (ownership.ts), except a later owner's part of a period left vacant.
  const owned = await customerOwnership(context, meterIds);
  const me = context.principal.customerId;
  const visible = (i: StoredInvoice) =>
    owned === null || (i.customerId !== null ? i.customerId === me : !i.invoiceId.includes('/from-') && withinIntervals(owned.get(i.meterId) ?? [], i.periodStart.getTime()));
  return rows
    .map(storedInvoiceFromRow)
    .filter(visible)
    .map(({ invoiceId, status, ...rest }): InvoiceHead => ({ ...rest, id: invoiceId, status: statusOf(status), storedStatus: status }))
    .sort((a, b) => {
      const [x, y] = [invoiceSortKey(a), invoiceSortKey(b)];
      return (x[0] as number) - (y[0] as number) || (x[1]! < y[1]! ? -1 : x[1]! > y[1]! ? 1 : 0);
    });
}

/**
 * Adds lines and payments to a page of invoices: two queries for the whole page. Lines are those
 * of the invoice's current status (and, for a provisional invoice, of its latest issue: lines a
 * later revision dropped stay in the table with an older issued_at).
 */
export async function withLinesAndPayments(context: GraphqlContext, invoices: readonly InvoiceHead[]): Promise<InvoiceView[]> {
  if (invoices.length === 0) return [];
  const ids = sqlStringList(invoices.map((i) => i.id));
  const [lines, payments] = await Promise.all([
    context.questdb.query<StoredInvoiceLineRow>(`SELECT ${storedInvoiceLineColumns} FROM invoice_lines WHERE ${ln.invoice_id} IN ${ids}`),
    context.questdb.query<{ invoice_id: string; paid: string | number | null }>(`SELECT ${pay.invoice_id}, sum(${pay.amount_cents}) paid FROM payments WHERE ${pay.invoice_id} IN ${ids} GROUP BY ${pay.invoice_id}`),
  ]);
  const paid = new Map(payments.rows.map((p) => [p.invoice_id, Number(p.paid ?? 0)]));
  const storedLines = lines.rows.map(storedInvoiceLineFromRow);
  return invoices.map(({ storedStatus, ...invoice }) => {
    const status = storedStatus;
    const own = storedLines
      .filter((l) => l.invoiceId === invoice.id && l.status === status && (status !== 'provisional' || l.issuedAt?.getTime() === invoice.issuedAt?.getTime()))
      .map(({ invoiceId: _invoiceId, status: _status, issuedAt: _issuedAt, ...view }): InvoiceLineView => view)
      .sort((a, b) => a.lineNo - b.lineNo);
    const paidCents = paid.get(invoice.id) ?? 0;
    return { ...invoice, lines: own, paidCents, balanceCents: invoice.totalCents - paidCents };
  });
}

/** Meter.currentBill: the latest provisional invoice (the open period's; a closed period's was replaced by its final). */
export async function currentBillOf(context: GraphqlContext, meterId: string): Promise<InvoiceView | null> {
  const provisional = (await invoicesOfMeters(context, [meterId], null)).filter((i) => i.status === 'PROVISIONAL');
  return provisional[0] ? (await withLinesAndPayments(context, [provisional[0]]))[0]! : null;
}

/** Meter.invoices: its newest invoices. */
export async function invoicePageOfMeter(context: GraphqlContext, meterId: string, first: number): Promise<InvoiceView[]> {
  validatePageSize('first', first, context.limits.maxPageSize);
  return withLinesAndPayments(context, (await invoicesOfMeters(context, [meterId], null)).slice(0, first));
}

/**
 * Invoice.projection: a provisional invoice's projected bill beside the previous period's final
 * bill of the same meter (the part of the same customer when the meter changed hands then;
 * otherwise the period's last part), which is what the bill-variation rule compares with.
 */
export async function projectionOf(context: GraphqlContext, invoice: InvoiceView) {
  if (invoice.status !== 'PROVISIONAL' || !invoice.projection) return null;
  const { rows } = await context.questdb.query<{ customer_id: string | null; total_cents: string | number | null; ts: Date }>(
    `SELECT ${inv.customer_id}, ${inv.total_cents}, ${inv.ts} FROM invoices WHERE ${inv.meter_id} = $1 AND ${inv.status} = 'final' AND ${inv.period_end} = $2 ORDER BY ${inv.ts}`,
    [invoice.meterId, invoice.periodStart.toISOString()],
  );
  const previous = rows.find((r) => r.customer_id !== null && r.customer_id === invoice.customerId) ?? rows.at(-1);
  const previousTotalCents = previous?.total_cents == null ? null : Number(previous.total_cents);
  const { totalCents, consumption, coverage } = invoice.projection;
  return {
    total: formatCents(totalCents),
    totalCents,
    consumption,
    coverage,
    previousTotalCents,
    change: previousTotalCents === null || previousTotalCents <= 0 ? null : Math.round((totalCents / previousTotalCents - 1) * 1000) / 1000,
  };
}
