/**
 * Flat rows of an invoice for QuestDB (two tables, `invoices` and `invoice_lines`; suggested
 * DDL in docs/billing.md). The designated timestamp is the period start, and the dedup keys
 * make re-emission idempotent: a provisional invoice and then the final one share an
 * invoice id, so the final row replaces the provisional one; an adjustment has its own id and
 * adds rows, so a final row is never rewritten.
 */
import { formatCents } from '../../core/units/money';
import type { Invoice } from './invoice';

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

export function invoiceRow(inv: Invoice): InvoiceRow {
  return {
    ts: inv.periodStart,
    invoice_id: inv.invoiceId,
    meter_id: inv.meterId,
    sector: inv.sector,
    status: inv.status,
    adjusts: inv.adjusts,
    revision: inv.revision,
    period_label: inv.periodLabel,
    period_end: inv.periodEnd,
    period_days: inv.periodDays,
    billable_days: inv.billableDays,
    issued_at: inv.issuedAt,
    due_date: inv.dueDate,
    currency: inv.currency,
    consumption: inv.consumption,
    consumption_unit: inv.consumptionUnit,
    total_cents: inv.totalCents,
    total: formatCents(inv.totalCents),
    line_count: inv.lines.length,
    gaps: inv.gaps.length,
    unexplained_decreases: inv.decreases.filter((d) => d.kind === 'unexplained').length,
  };
}

export function invoiceLineRows(inv: Invoice): InvoiceLineRow[] {
  return inv.lines.map((l, i) => ({
    ts: inv.periodStart,
    invoice_id: inv.invoiceId,
    line_key: `${l.adjusts ?? l.kind}|${l.tariffId}|${l.tier ?? ''}|${l.period ?? ''}`,
    line_no: i + 1,
    status: inv.status,
    issued_at: inv.issuedAt,
    kind: l.kind,
    adjusts: l.adjusts,
    tariff_id: l.tariffId,
    tier: l.tier,
    tou_period: l.period,
    quantity: l.quantity,
    unit: l.unit,
    rate: l.rate,
    amount_cents: l.amountCents,
    description: l.description,
  }));
}
