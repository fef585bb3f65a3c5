import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable, sqlColumns, type StoredRow } from '../questdb/table-spec';

/**
 * The invoices "stream": billing's results, written to two QuestDB tables and to no topic
 * (the API reads them back by SQL). The designated timestamp is the period start, and the
 * dedup keys make re-emission idempotent: a provisional invoice and then the final one share
 * an invoice id, so the final row replaces the provisional one; an adjustment has its own id
 * and adds rows, so a final row is never rewritten.
 */
export interface InvoiceRow {
  ts: number;
  invoice_id: string;
  meter_id: string;
  sector: string | null;
  status: string;
  adjusts: string | null;
  revision: number;
  period_label: string;
  period_end: number;
  period_days: number;
  billable_days: number;
  issued_at: number;
  due_date: string;
  currency: string;
  consumption: number;
  consumption_unit: string;
  total_cents: number;
  /** Decimal string of the total ("128.03"), exact. */
  total: string;
  line_count: number;
  gaps: number;
  unexplained_decreases: number;
  /** 'read', or 'no-read' when the meter reported nothing in the period. */
  read_status: string;
  /** Consumption over gaps begun in earlier periods, billed here (docs/billing.md, "Gaps"). */
  carried_consumption: number;
  /** Register jumps beyond the meter's maximum flow, held for review and not billed. */
  held_jumps: number;
  /** The customer billed (the meter's owner over the invoice's days); null = none named. */
  customer_id: string | null;
  /** Provisional invoices: the total projected to the period's end (null: not provisional, or too little known yet). */
  projected_total_cents: number | null;
  /** Provisional invoices: the consumption projected to the period's end. */
  projected_consumption: number | null;
  /** Provisional invoices: the share of the billable span the readings cover (0–1). */
  projection_coverage: number | null;
}

export interface InvoiceLineRow {
  ts: number;
  invoice_id: string;
  /** kind|tariff|tier|period: stable across provisional revisions of the same invoice. */
  line_key: string;
  line_no: number;
  status: string;
  issued_at: number;
  kind: string;
  adjusts: string | null;
  tariff_id: string;
  tier: number | null;
  tou_period: string | null;
  quantity: number;
  unit: string;
  rate: number | null;
  amount_cents: number;
  description: string;
}

export const invoicesTable = defineTable({
  name: 'invoices',
  description: 'Bills per meter and period: provisional (rewritten as the period fills), final (at period end + grace), adjusted (late data after the final). Key: (ts = period start, invoice_id).',
  columns: {
    ts: 'TIMESTAMP',
    invoice_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    status: 'SYMBOL CAPACITY 8 CACHE',
    adjusts: 'VARCHAR',
    revision: 'LONG',
    period_label: 'VARCHAR',
    period_end: 'TIMESTAMP',
    period_days: 'LONG',
    billable_days: 'LONG',
    issued_at: 'TIMESTAMP',
    due_date: 'VARCHAR',
    currency: 'SYMBOL CAPACITY 8 CACHE',
    consumption: 'DOUBLE',
    consumption_unit: 'SYMBOL CAPACITY 8 CACHE',
    total_cents: 'LONG',
    total: 'VARCHAR',
    line_count: 'LONG',
    gaps: 'LONG',
    unexplained_decreases: 'LONG',
    // Last, so a table an earlier release created upgrades to the same column order.
    read_status: 'SYMBOL CAPACITY 8 CACHE',
    carried_consumption: 'DOUBLE',
    held_jumps: 'LONG',
    customer_id: 'SYMBOL CAPACITY 65536 CACHE',
    projected_total_cents: 'LONG',
    projected_consumption: 'DOUBLE',
    projection_coverage: 'DOUBLE',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'invoice_id'],
  upgrades: {
    statements: [
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS read_status SYMBOL CAPACITY 8 CACHE',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS carried_consumption DOUBLE',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS held_jumps LONG',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS customer_id SYMBOL CAPACITY 65536 CACHE',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS projected_total_cents LONG',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS projected_consumption DOUBLE',
      'ALTER TABLE invoices ADD COLUMN IF NOT EXISTS projection_coverage DOUBLE',
    ],
    upToDate: `SELECT 1 FROM table_columns('invoices') WHERE "column" = 'projection_coverage'`,
  },
});

export const invoiceLinesTable = defineTable({
  name: 'invoice_lines',
  description: 'Lines of each invoice: fixed charge, tiers, time-of-use periods, adjustments. Key: (ts = period start, invoice_id, status, line_key).',
  columns: {
    ts: 'TIMESTAMP',
    invoice_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    line_key: 'VARCHAR',
    line_no: 'LONG',
    status: 'SYMBOL CAPACITY 8 CACHE',
    issued_at: 'TIMESTAMP',
    kind: 'SYMBOL CAPACITY 8 CACHE',
    adjusts: 'SYMBOL CAPACITY 8 CACHE',
    tariff_id: 'SYMBOL CAPACITY 256 CACHE',
    tier: 'LONG',
    tou_period: 'SYMBOL CAPACITY 32 CACHE',
    quantity: 'DOUBLE',
    unit: 'SYMBOL CAPACITY 8 CACHE',
    rate: 'DOUBLE',
    amount_cents: 'LONG',
    description: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'invoice_id', 'status', 'line_key'],
});

/** An invoice's columns as rows of the invoices and invoice_lines tables (null columns are left out, QuestDB stores NULL). */
export function invoiceToRows(i: InvoiceRow, lineRows: InvoiceLineRow[]): TableRow[] {
  const head = {
    table: invoicesTable.name,
    ts: i.ts,
    symbols: { invoice_id: i.invoice_id, meter_id: i.meter_id, status: i.status, currency: i.currency, consumption_unit: i.consumption_unit, read_status: i.read_status, ...(i.sector ? { sector: i.sector } : {}), ...(i.customer_id ? { customer_id: i.customer_id } : {}) },
    values: {
      adjusts: i.adjusts,
      revision: i.revision,
      period_label: i.period_label,
      period_end: i.period_end,
      period_days: i.period_days,
      billable_days: i.billable_days,
      issued_at: i.issued_at,
      due_date: i.due_date,
      consumption: i.consumption,
      total_cents: i.total_cents,
      total: i.total,
      line_count: i.line_count,
      gaps: i.gaps,
      unexplained_decreases: i.unexplained_decreases,
      carried_consumption: i.carried_consumption,
      held_jumps: i.held_jumps,
      projected_total_cents: i.projected_total_cents,
      projected_consumption: i.projected_consumption,
      projection_coverage: i.projection_coverage,
    },
    types: { revision: 'long', period_end: 'timestamp', period_days: 'long', billable_days: 'long', issued_at: 'timestamp', total_cents: 'long', line_count: 'long', gaps: 'long', unexplained_decreases: 'long', held_jumps: 'long', projected_total_cents: 'long' },
  } satisfies TableRowOf<typeof invoicesTable>;
  const lines = lineRows.map(lineRow);
  return [head, ...lines];
}

function lineRow(l: InvoiceLineRow) {
  return {
    table: invoiceLinesTable.name,
    ts: l.ts,
    symbols: { invoice_id: l.invoice_id, status: l.status, kind: l.kind, tariff_id: l.tariff_id, unit: l.unit, ...(l.adjusts ? { adjusts: l.adjusts } : {}), ...(l.tou_period ? { tou_period: l.tou_period } : {}) },
    values: { line_key: l.line_key, line_no: l.line_no, issued_at: l.issued_at, tier: l.tier, quantity: l.quantity, rate: l.rate, amount_cents: l.amount_cents, description: l.description },
    types: { line_no: 'long', issued_at: 'timestamp', tier: 'long', amount_cents: 'long' },
  } satisfies TableRowOf<typeof invoiceLinesTable>;
}

const long = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** The columns an invoice is read back with: `SELECT ${storedInvoiceColumns} FROM invoices …`. */
export const storedInvoiceColumns = sqlColumns(invoicesTable, [
  'ts', 'invoice_id', 'meter_id', 'sector', 'status', 'adjusts', 'revision', 'period_label', 'period_end', 'issued_at', 'due_date', 'currency', 'consumption', 'consumption_unit', 'total_cents', 'total',
  'read_status', 'carried_consumption', 'held_jumps', 'customer_id', 'projected_total_cents', 'projected_consumption', 'projection_coverage',
]);

/** A row of storedInvoiceColumns as the PG wire returns it: timestamps as Date, a LONG as a string or a number. */
export type StoredInvoiceRow = StoredRow<
  typeof invoicesTable,
  {
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
    read_status: string | null;
    carried_consumption: number | null;
    held_jumps: string | number | null;
    customer_id: string | null;
    projected_total_cents: string | number | null;
    projected_consumption: number | null;
    projection_coverage: number | null;
  }
>;

/** An invoice as stored (its latest row), status as billing writes it: provisional, final or adjusted. */
export interface StoredInvoice {
  invoiceId: string;
  meterId: string;
  sector: string | null;
  status: string;
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
  /** Decimal string of the total, exact. */
  total: string | null;
  totalCents: number;
  /** read, estimated or no-read; read for rows of releases before it was stored. */
  readStatus: string;
  carriedConsumption: number;
  heldJumps: number;
  /** The customer billed; null = none named (and rows of releases before owners were billed). */
  customerId: string | null;
  /** Provisional invoices: the bill projected to the period's end; null otherwise or when too little is known. */
  projection: { totalCents: number; consumption: number | null; coverage: number | null } | null;
}

export function storedInvoiceFromRow(r: StoredInvoiceRow): StoredInvoice {
  return {
    invoiceId: r.invoice_id,
    meterId: r.meter_id,
    sector: r.sector,
    status: r.status,
    adjusts: r.adjusts,
    revision: long(r.revision) ?? 0,
    periodLabel: r.period_label,
    periodStart: r.ts,
    periodEnd: r.period_end,
    issuedAt: r.issued_at,
    dueDate: r.due_date,
    currency: r.currency,
    consumption: r.consumption,
    consumptionUnit: r.consumption_unit,
    total: r.total,
    totalCents: long(r.total_cents) ?? 0,
    readStatus: r.read_status ?? 'read',
    carriedConsumption: r.carried_consumption ?? 0,
    heldJumps: long(r.held_jumps) ?? 0,
    customerId: r.customer_id,
    projection: long(r.projected_total_cents) === null ? null : { totalCents: long(r.projected_total_cents)!, consumption: r.projected_consumption, coverage: r.projection_coverage },
  };
}

/** The columns an invoice line is read back with. */
export const storedInvoiceLineColumns = sqlColumns(invoiceLinesTable, [
  'invoice_id', 'line_no', 'status', 'issued_at', 'kind', 'adjusts', 'tariff_id', 'tier', 'tou_period', 'quantity', 'unit', 'rate', 'amount_cents', 'description',
]);

/** A row of storedInvoiceLineColumns as the PG wire returns it. */
export type StoredInvoiceLineRow = StoredRow<
  typeof invoiceLinesTable,
  {
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
>;

/** An invoice line as stored; status and issuedAt say which issue of the invoice it belongs to. */
export interface StoredInvoiceLine {
  invoiceId: string;
  status: string;
  issuedAt: Date | null;
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

export function storedInvoiceLineFromRow(l: StoredInvoiceLineRow): StoredInvoiceLine {
  return {
    invoiceId: l.invoice_id,
    status: l.status,
    issuedAt: l.issued_at,
    lineNo: Number(l.line_no),
    kind: l.kind,
    adjusts: l.adjusts,
    tariffId: l.tariff_id,
    tier: long(l.tier),
    touPeriod: l.tou_period,
    quantity: l.quantity,
    unit: l.unit,
    rate: l.rate,
    amountCents: long(l.amount_cents) ?? 0,
    description: l.description,
  };
}
