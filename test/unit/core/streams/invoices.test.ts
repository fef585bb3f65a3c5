import {
  invoiceLinesTable,
  invoicesTable,
  invoiceToRows,
  storedInvoiceColumns,
  storedInvoiceFromRow,
  storedInvoiceLineColumns,
  storedInvoiceLineFromRow,
  type InvoiceLineRow,
  type InvoiceRow,
} from '../../../../core/streams/invoices';

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
  read_status: 'read',
  carried_consumption: 0,
  held_jumps: 0,
  customer_id: 'c-9',
  projected_total_cents: null,
  projected_consumption: null,
  projection_coverage: null,
};
const line: InvoiceLineRow = { ts: 1_000, invoice_id: 'inv-1', line_key: 'tier|sabesp|2|', line_no: 1, status: 'final', issued_at: 2_500, kind: 'tier', adjusts: null, tariff_id: 'sabesp', tier: 2, tou_period: null, quantity: 2.5, unit: 'm3', rate: 3.78, amount_cents: 945, description: '11–20 m³' };

describe('invoices tables', () => {
  it('writes the head row with symbols apart and integer columns as LONG', () => {
    const [row] = invoiceToRows(head, []);
    expect(row!.table).toBe('invoices');
    expect(row!.ts).toBe(1_000);
    expect(row!.symbols).toEqual({ invoice_id: 'inv-1', meter_id: 'meter-7', status: 'final', currency: 'BRL', consumption_unit: 'm3', read_status: 'read', customer_id: 'c-9' });
    expect(row!.values).toMatchObject({ adjusts: null, total_cents: 12803, total: '128.03', period_end: 2_000 });
    expect(row!.types).toMatchObject({ total_cents: 'long', period_end: 'timestamp', issued_at: 'timestamp', held_jumps: 'long' });
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

describe('stored invoices', () => {
  const ts = new Date(Date.UTC(2026, 0, 1));
  const issued = new Date(Date.UTC(2026, 1, 3));

  it('reads back an invoice row: LONGs sent as strings are numbers, times are Dates, a missing revision or total is 0', () => {
    const row = {
      ts, invoice_id: 'inv-1', meter_id: 'm-1', sector: null, status: 'final', adjusts: null, revision: '2', period_label: '2026-01', period_end: issued, issued_at: issued,
      due_date: '2026-02-17', currency: 'EUR', consumption: 12.5, consumption_unit: 'm3', total_cents: '12803', total: '128.03',
      read_status: 'no-read', carried_consumption: 4.5, held_jumps: '1', customer_id: 'c-9',
      projected_total_cents: null, projected_consumption: null, projection_coverage: null,
    };
    expect(storedInvoiceFromRow(row)).toEqual({
      invoiceId: 'inv-1', meterId: 'm-1', sector: null, status: 'final', adjusts: null, revision: 2, periodLabel: '2026-01', periodStart: ts, periodEnd: issued, issuedAt: issued,
      dueDate: '2026-02-17', currency: 'EUR', consumption: 12.5, consumptionUnit: 'm3', total: '128.03', totalCents: 12803,
      readStatus: 'no-read', carriedConsumption: 4.5, heldJumps: 1, customerId: 'c-9', projection: null,
    });
    // A provisional row's projection (a LONG sent as a string).
    expect(storedInvoiceFromRow({ ...row, status: 'provisional', projected_total_cents: '4600', projected_consumption: 18, projection_coverage: 0.3333 }).projection).toEqual({ totalCents: 4600, consumption: 18, coverage: 0.3333 });
    expect(storedInvoiceFromRow({ ...row, revision: null, total_cents: null })).toMatchObject({ revision: 0, totalCents: 0 });
    // Rows billing wrote before these columns existed read as a plain read bill.
    expect(storedInvoiceFromRow({ ...row, read_status: null, carried_consumption: null, held_jumps: null, customer_id: null })).toMatchObject({ readStatus: 'read', carriedConsumption: 0, heldJumps: 0, customerId: null });
    expect(storedInvoiceColumns.split(', ')).toContain('total_cents');
  });

  it('reads back an invoice line', () => {
    const row = {
      invoice_id: 'inv-1', line_no: '3', status: 'final', issued_at: issued, kind: 'tier', adjusts: null, tariff_id: 't', tier: '2', tou_period: null, quantity: 4, unit: 'm3', rate: 1.25, amount_cents: '500', description: 'tier 2',
    };
    expect(storedInvoiceLineFromRow(row)).toEqual({
      invoiceId: 'inv-1', status: 'final', issuedAt: issued, lineNo: 3, kind: 'tier', adjusts: null, tariffId: 't', tier: 2, touPeriod: null, quantity: 4, unit: 'm3', rate: 1.25, amountCents: 500, description: 'tier 2',
    });
    expect(storedInvoiceLineFromRow({ ...row, tier: null, amount_cents: null })).toMatchObject({ tier: null, amountCents: 0 });
    expect(storedInvoiceLineColumns.split(', ')[0]).toBe('invoice_id');
  });
});
