import type { QuestdbPool } from '../../core/questdb/questdb-sql';
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
} from '../../core/streams/invoices';
import { readingsTable } from '../../core/streams/readings';
import { localDate } from '../../core/time/local-days';

/** One bar of the chart: a period's consumption as known when the invoice was issued. */
export interface PeriodConsumption {
  periodLabel: string;
  consumption: number;
}

/** A register value read back from the readings table. */
export interface RegisterRead {
  ts: Date;
  register: number;
  unit: string;
}

/** Everything an invoice document shows, read from QuestDB. */
export interface InvoiceDocumentData {
  invoice: StoredInvoice;
  lines: StoredInvoiceLine[];
  /** The meter's zone (registry, else MF_BILLING_TIME_ZONE): local dates of the period. */
  zone: string;
  /** Last local day of the period (its end is exclusive). */
  periodLastDay: string | null;
  /** The register at or before the period start and at or before its end (null: none within 35 days before). */
  openingRead: RegisterRead | null;
  closingRead: RegisterRead | null;
  /** Up to 12 periods ending with this invoice's, oldest first (finals plus the adjustments issued so far). */
  history: PeriodConsumption[];
}

const inv = invoicesTable.columns;
const ln = invoiceLinesTable.columns;
const rd = readingsTable.columns;
const dayMs = 86_400_000;
/** Periods on the chart, this one included. */
export const chartPeriods = 12;

/** The latest row of a final or adjusted invoice, or null (unknown, or still provisional). */
export async function billedInvoice(questdb: QuestdbPool, invoiceId: string): Promise<StoredInvoice | null> {
  const { rows } = await questdb.query<StoredInvoiceRow>(`SELECT ${storedInvoiceColumns} FROM invoices WHERE ${inv.invoice_id} = $1 LATEST ON ${inv.ts} PARTITION BY ${inv.invoice_id}`, [invoiceId]);
  const invoice = rows[0] ? storedInvoiceFromRow(rows[0]) : null;
  return invoice && isDocumented(invoice.status) ? invoice : null;
}

/** Final and adjusted invoices have documents; a provisional one changes with every reading. */
export const isDocumented = (storedStatus: string) => storedStatus === 'final' || storedStatus === 'adjusted';

/**
 * The rest of the document, each part chosen so that it depends on the invoice row and on what
 * was known when it was issued: the chart counts adjustments issued up to this invoice only, and
 * only the periods billed to the same customer (a new owner does not see the last one's use).
 */
export async function invoiceDocumentData(questdb: QuestdbPool, invoice: StoredInvoice, zone: string): Promise<InvoiceDocumentData> {
  const start = invoice.periodStart.getTime();
  const [lines, history, openingRead, closingRead] = await Promise.all([
    questdb.query<StoredInvoiceLineRow>(`SELECT ${storedInvoiceLineColumns} FROM invoice_lines WHERE ${ln.invoice_id} = $1 AND ${ln.status} = $2 AND ${ln.ts} = $3`, [invoice.invoiceId, invoice.status, invoice.periodStart.toISOString()]),
    periodHistory(questdb, invoice),
    registerAt(questdb, invoice.meterId, start),
    invoice.periodEnd ? registerAt(questdb, invoice.meterId, invoice.periodEnd.getTime()) : Promise.resolve(null),
  ]);
  return {
    invoice,
    lines: lines.rows.map(storedInvoiceLineFromRow).sort((a, b) => a.lineNo - b.lineNo),
    zone,
    periodLastDay: invoice.periodEnd ? localDate(invoice.periodEnd.getTime() - 1, zone) : null,
    openingRead,
    closingRead,
    history,
  };
}

async function periodHistory(questdb: QuestdbPool, invoice: StoredInvoice): Promise<PeriodConsumption[]> {
  // 12 monthly periods start within 11 months before this one; 400 days bounds the scan.
  const from = new Date(invoice.periodStart.getTime() - 400 * dayMs).toISOString();
  const { rows } = await questdb.query<{ period_label: string; invoice_id: string; consumption: number | null; issued_at: Date | null; customer_id: string | null }>(
    `SELECT ${inv.period_label}, ${inv.invoice_id}, ${inv.consumption}, ${inv.issued_at}, ${inv.customer_id} FROM invoices
     WHERE ${inv.meter_id} = $1 AND ${inv.ts} >= $2 AND ${inv.ts} <= $3 AND ${inv.status} IN ('final', 'adjusted')
     LATEST ON ${inv.ts} PARTITION BY ${inv.invoice_id}`,
    [invoice.meterId, from, invoice.periodStart.toISOString()],
  );
  const issued = invoice.issuedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const byLabel = new Map<string, number>();
  for (const r of rows) {
    if (r.customer_id !== invoice.customerId) continue;
    // Issued after this invoice (a later adjustment): not known yet when this one was issued.
    if (r.invoice_id !== invoice.invoiceId && (r.issued_at?.getTime() ?? 0) > issued) continue;
    byLabel.set(r.period_label, (byLabel.get(r.period_label) ?? 0) + (r.consumption ?? 0));
  }
  return [...byLabel.entries()]
    .filter(([label]) => label <= invoice.periodLabel)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-chartPeriods)
    .map(([periodLabel, consumption]) => ({ periodLabel, consumption }));
}

// The last register value at or before `at`, within 35 days (a monthly read is the sparsest).
async function registerAt(questdb: QuestdbPool, meterId: string, at: number): Promise<RegisterRead | null> {
  const { rows } = await questdb.query<{ ts: Date; register: number; register_unit: string | null }>(
    `SELECT ${rd.ts}, ${rd.register}, ${rd.register_unit} FROM readings WHERE ${rd.meter_id} = $1 AND ${rd.ts} >= $2 AND ${rd.ts} <= $3 AND ${rd.register} IS NOT NULL ORDER BY ${rd.ts} DESC LIMIT 1`,
    [meterId, new Date(at - 35 * dayMs).toISOString(), new Date(at).toISOString()],
  );
  const r = rows[0];
  return r ? { ts: r.ts, register: r.register, unit: r.register_unit ?? '' } : null;
}
