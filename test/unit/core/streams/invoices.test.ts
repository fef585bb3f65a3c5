import { invoiceLinesTable, invoicesTable, invoiceToRows, type InvoiceLineRow, type InvoiceRow } from '../../../../core/streams/invoices';

const head: InvoiceRow = {
  ts: 1_000,
  invoice_id: 'inv-1',
  meter_id: 'meter-7',
  sector: null,
  status: 'final',
  adjusts: null,
  revision: 2,
  period_label: '2026-03',
  period_end: 2_000,
  period_days: 31,
  billable_days: 30,
  issued_at: 2_500,
  due_date: '2026-04-20',
  currency: 'BRL',
  consumption: 12.5,
  consumption_unit: 'm3',
  total_cents: 12803,
  total: '128.03',
  line_count: 1,
  gaps: 0,
  unexplained_decreases: 0,
};
const line: InvoiceLineRow = { ts: 1_000, invoice_id: 'inv-1', line_key: 'tier|sabesp|2|', line_no: 1, status: 'final', issued_at: 2_500, kind: 'tier', adjusts: null, tariff_id: 'sabesp', tier: 2, tou_period: null, quantity: 2.5, unit: 'm3', rate: 3.78, amount_cents: 945, description: '11–20 m³' };

describe('invoices tables', () => {
  it('writes the head row with symbols apart and integer columns as LONG', () => {
    const [row] = invoiceToRows(head, []);
    expect(row!.table).toBe('invoices');
    expect(row!.ts).toBe(1_000);
    expect(row!.symbols).toEqual({ invoice_id: 'inv-1', meter_id: 'meter-7', status: 'final', currency: 'BRL', consumption_unit: 'm3' });
    expect(row!.values).toMatchObject({ adjusts: null, total_cents: 12803, total: '128.03', period_end: 2_000 });
    expect(row!.types).toMatchObject({ total_cents: 'long', period_end: 'timestamp', issued_at: 'timestamp' });
  });

  it('writes one line row per line, leaving absent symbols out', () => {
    const rows = invoiceToRows(head, [line]);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      table: 'invoice_lines',
      ts: 1_000,
      symbols: { invoice_id: 'inv-1', status: 'final', kind: 'tier', tariff_id: 'sabesp', unit: 'm3' },
      values: { line_key: 'tier|sabesp|2|', line_no: 1, issued_at: 2_500, tier: 2, quantity: 2.5, rate: 3.78, amount_cents: 945, description: '11–20 m³' },
      types: { line_no: 'long', issued_at: 'timestamp', tier: 'long', amount_cents: 'long' },
    });
  });

  it('creates its tables with the keys that make re-emission idempotent', () => {
    expect(invoicesTable.ddl).toContain('DEDUP UPSERT KEYS(ts, invoice_id)');
    expect(invoiceLinesTable.ddl).toContain('DEDUP UPSERT KEYS(ts, invoice_id, status, line_key)');
  });
});
