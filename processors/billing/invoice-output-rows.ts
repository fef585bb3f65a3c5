import { questdbTables } from '../../core/contracts';
import type { OutputRow } from '../runtime/keyed-processor';
import type { Invoice } from './invoice';
import { invoiceLineRows, invoiceRow } from './invoice-rows';

/** An invoice as rows of the invoices and invoice_lines tables. */
export function invoiceOutputRows(invoice: Invoice): OutputRow[] {
  const i = invoiceRow(invoice);
  const head: OutputRow = {
    table: questdbTables.invoices.name,
    ts: i.ts,
    symbols: { invoice_id: i.invoice_id, meter_id: i.meter_id, status: i.status, currency: i.currency, consumption_unit: i.consumption_unit, ...(i.sector ? { sector: i.sector } : {}) },
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
    },
    types: { revision: 'long', period_end: 'timestamp', period_days: 'long', billable_days: 'long', issued_at: 'timestamp', total_cents: 'long', line_count: 'long', gaps: 'long', unexplained_decreases: 'long' },
  };
  const lines: OutputRow[] = invoiceLineRows(invoice).map((l) => ({
    table: questdbTables.invoiceLines.name,
    ts: l.ts,
    symbols: { invoice_id: l.invoice_id, status: l.status, kind: l.kind, tariff_id: l.tariff_id, unit: l.unit, ...(l.adjusts ? { adjusts: l.adjusts } : {}), ...(l.tou_period ? { tou_period: l.tou_period } : {}) },
    values: { line_key: l.line_key, line_no: l.line_no, issued_at: l.issued_at, tier: l.tier, quantity: l.quantity, rate: l.rate, amount_cents: l.amount_cents, description: l.description },
    types: { line_no: 'long', issued_at: 'timestamp', tier: 'long', amount_cents: 'long' },
  }));
  return [head, ...lines];
}
