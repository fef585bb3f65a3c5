import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * Payment intents: a customer's request to pay an invoice (startPayment), with the payment
 * payload their bank app reads (PIX BR Code, EPC QR, payment URL) and the invoice's payment
 * reference; confirmed by the payment provider's webhook (docs/payments.md). A table with no
 * topic: the API writes it and reads it back.
 */
export const paymentIntentsTable = defineTable({
  name: 'payment_intents',
  description:
    'Payment intents, one row per state (open, paid). Key: (ts = the invoice\'s period start, intent_id = hash(invoice, amount), state): all three derive from the request, so a retry or a second API replica writes the same row, and the paid row of a confirmation redelivered is the same row again; written_at is the wall clock.',
  columns: {
    ts: 'TIMESTAMP',
    intent_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    state: 'SYMBOL CAPACITY 8 CACHE',
    invoice_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    customer_id: 'SYMBOL CAPACITY 65536 CACHE',
    reference: 'SYMBOL CAPACITY 65536 NOCACHE',
    currency: 'SYMBOL CAPACITY 8 CACHE',
    scheme: 'SYMBOL CAPACITY 8 CACHE',
    amount_cents: 'LONG',
    payload: 'VARCHAR',
    created_by: 'VARCHAR',
    created_at: 'TIMESTAMP',
    expires_at: 'TIMESTAMP',
    payment_id: 'VARCHAR',
    provider_reference: 'VARCHAR',
    paid_at: 'TIMESTAMP',
    written_at: 'TIMESTAMP',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'intent_id', 'state'],
});

/** A stored state of an intent: `open` when started, `paid` once the provider confirmed it. */
export type PaymentIntentRowState = 'open' | 'paid';

export interface PaymentIntentRecord {
  /** hash(invoice, amount): the same payment request is the same intent (its payload is the same bytes). */
  intentId: string;
  state: PaymentIntentRowState;
  invoiceId: string;
  meterId: string;
  /** The customer billed (the invoice's), or the one who started it; null = none named. */
  customerId: string | null;
  /** The invoice's payment reference (core/payments/payment-payload.ts paymentReference). */
  reference: string;
  currency: string;
  /** PIX, EPC or URL. */
  scheme: string;
  amountCents: number;
  /** What the QR code carries, byte for byte. */
  payload: string;
  /** Subject that started it. */
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  /** The invoice's period start, epoch ms: the row's designated timestamp. */
  periodStart: number;
  /** Set on the paid row. */
  paymentId: string | null;
  providerReference: string | null;
  /** When the provider says the money moved, epoch ms. */
  paidAt: number | null;
  /** Wall-clock epoch ms of the write. */
  writtenAt: number;
}

export function paymentIntentToRow(r: PaymentIntentRecord): TableRow {
  return {
    table: paymentIntentsTable.name,
    ts: r.periodStart,
    symbols: {
      intent_id: r.intentId,
      state: r.state,
      invoice_id: r.invoiceId,
      meter_id: r.meterId,
      ...(r.customerId ? { customer_id: r.customerId } : {}),
      reference: r.reference,
      currency: r.currency,
      scheme: r.scheme,
    },
    values: {
      amount_cents: r.amountCents,
      payload: r.payload,
      created_by: r.createdBy,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
      payment_id: r.paymentId,
      provider_reference: r.providerReference,
      paid_at: r.paidAt,
      written_at: r.writtenAt,
    },
    types: { amount_cents: 'long', created_at: 'timestamp', expires_at: 'timestamp', paid_at: 'timestamp', written_at: 'timestamp' },
  } satisfies TableRowOf<typeof paymentIntentsTable>;
}

/** A payment_intents row as read back over the PG wire. */
export interface PaymentIntentSqlRow {
  ts: Date;
  intent_id: string;
  state: string;
  invoice_id: string;
  meter_id: string;
  customer_id: string | null;
  reference: string;
  currency: string;
  scheme: string;
  amount_cents: string | number;
  payload: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  payment_id: string | null;
  provider_reference: string | null;
  paid_at: Date | null;
  written_at: Date | null;
}

export const paymentIntentColumns = Object.keys(paymentIntentsTable.columns).join(', ');

export function paymentIntentFromSql(r: PaymentIntentSqlRow): PaymentIntentRecord {
  return {
    intentId: r.intent_id,
    state: r.state === 'paid' ? 'paid' : 'open',
    invoiceId: r.invoice_id,
    meterId: r.meter_id,
    customerId: r.customer_id,
    reference: r.reference,
    currency: r.currency,
    scheme: r.scheme,
    amountCents: Number(r.amount_cents),
    payload: r.payload,
    createdBy: r.created_by,
    createdAt: r.created_at.getTime(),
    expiresAt: r.expires_at.getTime(),
    periodStart: r.ts.getTime(),
    paymentId: r.payment_id,
    providerReference: r.provider_reference,
    paidAt: r.paid_at?.getTime() ?? null,
    writtenAt: r.written_at?.getTime() ?? r.created_at.getTime(),
  };
}
