import { createHash } from 'node:crypto';
import type { Payee } from '../../core/payments/payee';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { paymentIntentColumns, paymentIntentFromSql, paymentIntentsTable, paymentIntentToRow, type PaymentIntentRecord, type PaymentIntentSqlRow } from '../../core/streams/payment-intents';
import type { MutationSupport } from '../mutations/mutation-support';
import { createRecentWrites } from '../mutations/recent-writes';

/**
 * Payment intents as stored in payment_intents (one row per state) and as this server just
 * wrote them (QuestDB shows a WAL write a moment later): the API's read-your-writes view.
 * The intent's state is its paid row when there is one, else its open row.
 */
export interface PaymentIntents {
  /** Who the payloads pay (MF_PAYEE_*). */
  readonly payee: Payee;
  /** How long an intent stays open (MF_PAYMENT_INTENT_TTL_S). */
  readonly ttlS: number;
  get(intentId: string): Promise<PaymentIntentRecord | null>;
  /** Every intent of an invoice, newest first. */
  ofInvoice(invoiceId: string): Promise<PaymentIntentRecord[]>;
  /** Every intent carrying a payment reference (one invoice's), newest first. */
  withReference(reference: string): Promise<PaymentIntentRecord[]>;
  /** Writes a state row (resolves once QuestDB committed it) and serves it at once. */
  save(record: PaymentIntentRecord): Promise<void>;
}

/** `pi-` + sha256(invoice, amount): the same request for the same amount is the same intent (and the same payload bytes). */
export function intentIdOf(invoiceId: string, amountCents: number): string {
  return `pi-${createHash('sha256').update(`${invoiceId}\u0000${amountCents}`).digest('hex').slice(0, 24)}`;
}

const t = paymentIntentsTable.columns;

export function createPaymentIntents(options: { questdb: QuestdbPool; mutations: Pick<MutationSupport, 'write'>; payee: Payee; ttlS: number }): PaymentIntents {
  const { questdb, mutations } = options;
  // Keyed by intent and state, as the table's DEDUP key is.
  const recent = createRecentWrites<PaymentIntentRecord>({ ttlMs: 10 * 60_000, maxEntries: 10_000 });
  const keyOf = (r: PaymentIntentRecord) => `${r.intentId}\u0000${r.state}`;

  const read = async (column: 'intent_id' | 'invoice_id' | 'reference', value: string): Promise<PaymentIntentRecord[]> => {
    const { rows } = await questdb.query<PaymentIntentSqlRow>(`SELECT ${paymentIntentColumns} FROM ${paymentIntentsTable.name} WHERE ${t[column]} = $1`, [value]);
    const byKey = new Map(rows.map(paymentIntentFromSql).map((r) => [keyOf(r), r]));
    const field = column === 'intent_id' ? 'intentId' : column === 'invoice_id' ? 'invoiceId' : 'reference';
    for (const mine of recent.values()) if (mine[field] === value) byKey.set(keyOf(mine), mine);
    // One record per intent: the paid row wins over the open one.
    const intents = new Map<string, PaymentIntentRecord>();
    for (const r of byKey.values()) {
      const seen = intents.get(r.intentId);
      if (!seen || (seen.state === 'open' && r.state === 'paid')) intents.set(r.intentId, r);
    }
    return [...intents.values()].sort((a, b) => b.createdAt - a.createdAt || (a.intentId < b.intentId ? -1 : 1));
  };

  return {
    payee: options.payee,
    ttlS: options.ttlS,
    get: async (intentId) => (await read('intent_id', intentId))[0] ?? null,
    ofInvoice: (invoiceId) => read('invoice_id', invoiceId),
    withReference: (reference) => read('reference', reference),
    async save(record) {
      await mutations.write((w) => writeTableRow(w, paymentIntentToRow(record)));
      recent.set(keyOf(record), record);
    },
  };
}
