import type { Invoice } from '../../../../processors/billing/invoice';
import { invoiceLineRows, invoiceRow } from '../../../../processors/billing/invoice-rows';

const invoice: Invoice = {
  invoiceId: 'w-1/2017-06-01/adj-1',
  meterId: 'w-1',
  customerId: 'c-1',
  sector: 'zona-sul',
  status: 'adjusted',
  adjusts: 'w-1/2017-06-01',
  revision: 1,
  zone: 'America/Sao_Paulo',
  periodLabel: '2017-06-01',
  periodStart: 1496286000000,
  periodEnd: 1498878000000,
  periodDays: 30,
  billableDays: 30,
  issuedAt: 1499482800000,
  dueDate: '2017-07-18',
  currency: 'BRL',
  consumption: -1000,
  consumptionUnit: 'L',
  lines: [
    { kind: 'adjustment', adjusts: 'tier', tariffId: 'sabesp-res-2017', tier: 3, period: null, quantity: -1, unit: 'm3', rate: 9.44, amountCents: -944, description: 'x' },
    { kind: 'adjustment', adjusts: 'tou', tariffId: 't', tier: 1, period: 'peak', quantity: 0.5, unit: 'kWh', rate: 0.3, amountCents: 15, description: 'y' },
  ],
  totalCents: -929,
  decreases: [{ ts: 1, from: 2, to: 1, kind: 'unexplained', quantity: 0 }, { ts: 3, from: 999, to: 1, kind: 'wrap', quantity: 2 }, { ts: 4, from: 1, to: 250_000, kind: 'jump', quantity: 0 }],
  gaps: [],
  readStatus: 'no-read',
  carried: [{ from: 0, to: 5, quantity: 1.0004 }, { from: 6, to: 9, quantity: 2 }],
  projection: null,
};

describe('invoice rows for QuestDB', () => {
  it('flattens the invoice, keyed by period start and invoice id, with an exact decimal total', () => {
    expect(invoiceRow(invoice)).toMatchObject({ ts: invoice.periodStart, invoice_id: 'w-1/2017-06-01/adj-1', status: 'adjusted', total_cents: -929, total: '-9.29', line_count: 2, gaps: 0, unexplained_decreases: 1 });
    // 1.0004 + 2 = 3.0004, to 3 decimals as every quantity column.
    expect(invoiceRow(invoice)).toMatchObject({ read_status: 'no-read', carried_consumption: 3, held_jumps: 1, customer_id: 'c-1' });
    expect(invoiceRow(invoice)).toMatchObject({ projected_total_cents: null, projected_consumption: null, projection_coverage: null });
    const provisional = { ...invoice, status: 'provisional' as const, projection: { totalCents: 4600, consumption: 18, coverage: 0.3333 } };
    expect(invoiceRow(provisional)).toMatchObject({ projected_total_cents: 4600, projected_consumption: 18, projection_coverage: 0.3333 });
  });

  it('gives each line a stable key and its invoice status', () => {
    const rows = invoiceLineRows(invoice);
    expect(rows.map((r) => [r.line_key, r.line_no, r.status, r.tou_period, r.amount_cents])).toEqual([
      ['tier|sabesp-res-2017|3|', 1, 'adjusted', null, -944],
      ['tou|t|1|peak', 2, 'adjusted', 'peak', 15],
    ]);
  });
});
