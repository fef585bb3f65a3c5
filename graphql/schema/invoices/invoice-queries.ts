import { sqlColumns } from '../../../core/questdb/table-spec';
import { invoiceLinesTable, invoicesTable } from '../../../core/streams/invoices';
import { paymentsTable } from '../../../core/streams/payments';
import { customerOwnership, withinIntervals } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { sqlStringList } from '../analytics/sql-literals';
import { validatePageSize } from '../arguments';
import type { SortKey } from '../meters/connection';

/** An invoice's row (invoices table) with its lines and payments, as the Invoice type's fields. */
export interface InvoiceView {
  id: string;
  meterId: string;
  sector: string | null;
  status: 'PROVISIONAL' | 'FINAL' | 'ADJUSTMENT';
  adjusts: string | null;
  revision: number;
  periodLabel: string;
  periodStart: Date;
  periodEnd: Date | null;
  issuedAt: Date | null;
  dueDate: string | null;
  currency: string | null;
  consumption: number | null;
  consumptionUnit: string | null;
  total: string | null;
  totalCents: number;
  paidCents: number;
  balanceCents: number;
  lines: InvoiceLineView[];
}

export interface InvoiceLineView {
  lineNo: number;
  kind: string;
  adjusts: string | null;
  tariffId: string | null;
  tier: number | null;
  touPeriod: string | null;
  quantity: number | null;
  unit: string | null;
  rate: number | null;
  amountCents: number;
  description: string | null;
}

/** An invoice row before its lines and payments are added; storedStatus as in the table. */
export type InvoiceHead = Omit<InvoiceView, 'lines' | 'paidCents' | 'balanceCents'> & { storedStatus: string };

interface InvoiceSql {
  ts: Date;
  invoice_id: string;
  meter_id: string;
  sector: string | null;
  status: string;
  adjusts: string | null;
  revision: string | number | null;
  period_label: string;
  period_end: Date | null;
  issued_at: Date | null;
  due_date: string | null;
  currency: string | null;
  consumption: number | null;
  consumption_unit: string | null;
  total_cents: string | number | null;
  total: string | null;
}

interface LineSql {
  invoice_id: string;
  line_no: string | number;
  status: string;
  issued_at: Date | null;
  kind: string;
  adjusts: string | null;
  tariff_id: string | null;
  tier: string | number | null;
  tou_period: string | null;
  quantity: number | null;
  unit: string | null;
  rate: number | null;
  amount_cents: string | number | null;
  description: string | null;
}

// Columns through the table specs, so a renamed column is a compile error here.
const inv = invoicesTable.columns;
const line = invoiceLinesTable.columns;
const pay = paymentsTable.columns;
const invoiceColumns = sqlColumns(invoicesTable, [
  'ts', 'invoice_id', 'meter_id', 'sector', 'status', 'adjusts', 'revision', 'period_label', 'period_end', 'issued_at', 'due_date', 'currency', 'consumption', 'consumption_unit', 'total_cents', 'total',
]);
const lineColumns = sqlColumns(invoiceLinesTable, [
  'invoice_id', 'line_no', 'status', 'issued_at', 'kind', 'adjusts', 'tariff_id', 'tier', 'tou_period', 'quantity', 'unit', 'rate', 'amount_cents', 'description',
]);
// Billing writes 'adjusted'; the API calls such an invoice an ADJUSTMENT.
const statusOf = (stored: string): InvoiceView['status'] => (stored === 'final' ? 'FINAL' : stored === 'adjusted' ? 'ADJUSTMENT' : 'PROVISIONAL');
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

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
  const { rows } = await context.questdb.query<InvoiceSql>(`SELECT ${invoiceColumns} FROM invoices WHERE ${where.join(' AND ')} LATEST ON ${inv.ts} PARTITION BY ${inv.invoice_id}`, params);
  // A customer sees the invoices of periods that began while the meter was theirs (ownership.ts);
  // the SQL is already limited to their meters, so this filters a handful of rows.
  const owned = await customerOwnership(context, meterIds);
  return rows
    .filter((r) => owned === null || withinIntervals(owned.get(r.meter_id) ?? [], r.ts.getTime()))
    .map((r): InvoiceHead => ({
      id: r.invoice_id,
      meterId: r.meter_id,
      sector: r.sector,
      status: statusOf(r.status),
      storedStatus: r.status,
      adjusts: r.adjusts,
      revision: num(r.revision) ?? 0,
      periodLabel: r.period_label,
      periodStart: r.ts,
      periodEnd: r.period_end,
      issuedAt: r.issued_at,
      dueDate: r.due_date,
      currency: r.currency,
      consumption: r.consumption,
      consumptionUnit: r.consumption_unit,
      total: r.total,
      totalCents: num(r.total_cents) ?? 0,
    }))
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
    context.questdb.query<LineSql>(
      `SELECT ${lineColumns} FROM invoice_lines WHERE ${line.invoice_id} IN ${ids}`,
    ),
    context.questdb.query<{ invoice_id: string; paid: string | number | null }>(`SELECT ${pay.invoice_id}, sum(${pay.amount_cents}) paid FROM payments WHERE ${pay.invoice_id} IN ${ids} GROUP BY ${pay.invoice_id}`),
  ]);
  const paid = new Map(payments.rows.map((p) => [p.invoice_id, Number(p.paid ?? 0)]));
  return invoices.map(({ storedStatus, ...invoice }) => {
    const status = storedStatus;
    const own = lines.rows
      .filter((l) => l.invoice_id === invoice.id && l.status === status && (status !== 'provisional' || l.issued_at?.getTime() === invoice.issuedAt?.getTime()))
      .map((l) => ({
        lineNo: Number(l.line_no),
        kind: l.kind,
        adjusts: l.adjusts,
        tariffId: l.tariff_id,
        tier: num(l.tier),
        touPeriod: l.tou_period,
        quantity: l.quantity,
        unit: l.unit,
        rate: l.rate,
        amountCents: num(l.amount_cents) ?? 0,
        description: l.description,
      }))
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
