/**
 * An invoice as the columns of the invoices stream's two tables (`invoices` and
 * `invoice_lines`, defined with their row codec in core/streams/invoices.ts). The designated timestamp is the period start, and the dedup keys
 * make re-emission idempotent: a provisional invoice and then the final one share an
 * invoice id, so the final row replaces the provisional one; an adjustment has its own id and
 * adds rows, so a final row is never rewritten.
 */
import { formatCents, roundQuantity } from '../../core/units/money';
import type { InvoiceLineRow, InvoiceRow } from '../../core/streams/invoices';
import type { Invoice } from './invoice';

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
    read_status: inv.readStatus,
    carried_consumption: roundQuantity(inv.carried.reduce((sum, c) => sum + c.quantity, 0)),
    held_jumps: inv.decreases.filter((d) => d.kind === 'jump').length,
    customer_id: inv.customerId,
    projected_total_cents: inv.projection?.totalCents ?? null,
    projected_consumption: inv.projection?.consumption ?? null,
    projection_coverage: inv.projection?.coverage ?? null,
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
