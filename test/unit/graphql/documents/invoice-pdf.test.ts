import { paymentPayloadFor } from '../../../../core/payments/payment-payload';
import type { InvoiceDocumentData } from '../../../../graphql/documents/invoice-document-data';
import { renderInvoicePdf } from '../../../../graphql/documents/invoice-pdf';

const data: InvoiceDocumentData = {
  invoice: {
    invoiceId: 'm1/2026-01-01',
    meterId: 'm1',
    sector: null,
    status: 'final',
    adjusts: null,
    revision: 0,
    periodLabel: '2026-01-01',
    periodStart: new Date('2026-01-01T00:00:00Z'),
    periodEnd: new Date('2026-02-01T00:00:00Z'),
    issuedAt: new Date('2026-02-04T00:00:00Z'),
    dueDate: '2026-02-20',
    currency: 'BRL',
    consumption: 27.55,
    consumptionUnit: 'm3',
    total: '133.22',
    totalCents: 13322,
    readStatus: 'read',
    carriedConsumption: 0,
    heldJumps: 0,
    customerId: 'c1',
    projection: null,
  },
  lines: [{ invoiceId: 'm1/2026-01-01', status: 'final', issuedAt: null, lineNo: 1, kind: 'tier', adjusts: null, tariffId: 't', tier: 1, touPeriod: null, quantity: 27.55, unit: 'm3', rate: null, amountCents: 13322, description: 'All of it' }],
  zone: 'UTC',
  periodLastDay: '2026-01-31',
  openingRead: null,
  closingRead: null,
  history: Array.from({ length: 12 }, (_, i) => ({ periodLabel: `2025-${String(i + 1).padStart(2, '0')}-01`, consumption: 10 + i })),
};
const payment = paymentPayloadFor({ pix: { key: 'k@example.com', merchantName: 'N', merchantCity: 'C' }, sepa: null, urlTemplate: null }, { invoiceId: 'm1/2026-01-01', currency: 'BRL', amountCents: 13322 });

describe('renderInvoicePdf', () => {
  it('makes a one-page PDF whose bytes depend only on the data (creation date = issue time)', async () => {
    const [a, b] = await Promise.all([renderInvoicePdf(data, payment, 'N'), renderInvoicePdf(data, payment, 'N')]);
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(1);
    // Another amount is another document.
    const other = await renderInvoicePdf({ ...data, invoice: { ...data.invoice, totalCents: 13323 } }, payment, 'N');
    expect(other.equals(a)).toBe(false);
  });
});
