import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * Payments recorded against invoices through the API. A table with no topic: the API writes
 * it and reads it back for balances.
 */
export const paymentsTable = defineTable({
  name: 'payments',
  description: 'Payments recorded against invoices through the API. Key: (ts = the invoice\'s period start, payment_id = hash(invoice, reference)): both derive from the request, not the clock, so two API replicas recording the same payment write the same key and DEDUP keeps one row; recorded_at is the wall-clock time.',
  columns: {
    ts: 'TIMESTAMP',
    payment_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    invoice_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    amount_cents: 'LONG',
    currency: 'SYMBOL CAPACITY 8 CACHE',
    reference: 'VARCHAR',
    recorded_by: 'VARCHAR',
    recorded_at: 'TIMESTAMP',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'payment_id'],
});

export interface Payment {
  /** hash(invoice, reference): a function of the request, so replicas write the same key. */
  paymentId: string;
  invoiceId: string;
  meterId: string;
  /** The invoice's period start, epoch ms: the row's designated timestamp (not the clock, see the table's description). */
  periodStart: number;
  amountCents: number;
  currency: string;
  reference: string;
  recordedBy: string;
  /** Wall-clock epoch ms. */
  recordedAt: number;
}

export function paymentToRow(p: Payment): TableRow {
  return {
    table: paymentsTable.name,
    ts: p.periodStart,
    symbols: { payment_id: p.paymentId, invoice_id: p.invoiceId, meter_id: p.meterId, currency: p.currency },
    values: { amount_cents: p.amountCents, reference: p.reference, recorded_by: p.recordedBy, recorded_at: p.recordedAt },
    types: { amount_cents: 'long', recorded_at: 'timestamp' },
  } satisfies TableRowOf<typeof paymentsTable>;
}
