import { paymentPayloadFor } from '../../../core/payments/payment-payload';
import type { PaymentIntentRecord } from '../../../core/streams/payment-intents';
import { formatCents } from '../../../core/units/money';
import { invoiceBalances } from '../../billing/invoice-balances';
import type { GraphqlContext } from '../../context';
import { conflict, notFound } from '../../errors';
import { intentIdOf } from '../../payments/payment-intents';
import { validateId } from '../arguments';
import { invoicesOfMeters, type InvoiceHead, type InvoiceView } from '../invoices/invoice-queries';

interface StartArgs {
  invoiceId: string;
  idempotencyKey?: string | null;
}

/** The PaymentIntent type's fields. */
export interface PaymentIntentView {
  id: string;
  invoiceId: string;
  meterId: string;
  amount: string;
  amountCents: number;
  currency: string;
  reference: string;
  scheme: string;
  payload: string;
  createdAt: Date;
  expiresAt: Date;
  state: 'OPEN' | 'PAID' | 'EXPIRED';
  paidAt: Date | null;
  paymentId: string | null;
}

export function intentView(r: PaymentIntentRecord, nowMs = Date.now()): PaymentIntentView {
  return {
    id: r.intentId,
    invoiceId: r.invoiceId,
    meterId: r.meterId,
    amount: formatCents(r.amountCents),
    amountCents: r.amountCents,
    currency: r.currency,
    reference: r.reference,
    scheme: r.scheme,
    payload: r.payload,
    createdAt: new Date(r.createdAt),
    expiresAt: new Date(r.expiresAt),
    state: r.state === 'paid' ? 'PAID' : r.expiresAt <= nowMs ? 'EXPIRED' : 'OPEN',
    paidAt: r.paidAt === null ? null : new Date(r.paidAt),
    paymentId: r.paymentId,
  };
}

/**
 * The invoice as the invoices query would show it to the caller, or null: a customer sees
 * the invoices billed to them and, of those naming nobody, the ones of periods when the
 * meter was theirs (invoice-queries.ts, ownership.ts). Not found and not theirs are the
 * same answer, so an id tells a customer nothing about other customers' invoices.
 */
async function visibleInvoice(context: GraphqlContext, invoiceId: string): Promise<InvoiceHead | null> {
  const { rows } = await context.questdb.query<{ meter_id: string }>(`SELECT meter_id FROM invoices WHERE invoice_id = $1 LIMIT 1`, [invoiceId]);
  if (!rows[0]) return null;
  return (await invoicesOfMeters(context, [rows[0].meter_id], null)).find((i) => i.id === invoiceId) ?? null;
}

async function start(context: GraphqlContext, args: StartArgs): Promise<PaymentIntentRecord> {
  validateId('invoiceId', args.invoiceId.replaceAll('/', ':'));
  const invoice = await visibleInvoice(context, args.invoiceId);
  if (!invoice) throw notFound('invoiceId', `no invoice ${JSON.stringify(args.invoiceId)} you may pay`);
  if (invoice.storedStatus !== 'final' && invoice.storedStatus !== 'adjusted') throw conflict('invoiceId', `invoice ${args.invoiceId} is provisional; only final and adjustment invoices are payable`);
  const [balance] = await invoiceBalances(context, { invoiceId: args.invoiceId });
  if (!balance || balance.balanceCents <= 0) throw conflict('invoiceId', `nothing to pay: the balance of invoice ${args.invoiceId} is ${formatCents(balance?.balanceCents ?? 0)}`);
  const { payee, ttlS } = context.paymentIntents;
  const payment = paymentPayloadFor(payee, { invoiceId: balance.invoiceId, currency: balance.currency, amountCents: balance.balanceCents });
  if (!payment) throw conflict('invoiceId', `no payment scheme is configured for ${balance.currency} (MF_PAYEE_*)`);
  const intentId = intentIdOf(balance.invoiceId, balance.balanceCents);
  // Two starts of the same intent in this process run one after the other; across replicas the
  // row's key (ts, intent_id, state) makes their writes one row.
  return context.mutations.exclusive(intentId, async () => {
    const existing = await context.paymentIntents.get(intentId);
    const now = Date.now();
    if (existing && (existing.state === 'paid' || existing.expiresAt > now)) return existing;
    const record: PaymentIntentRecord = {
      intentId,
      state: 'open',
      invoiceId: balance.invoiceId,
      meterId: balance.meterId,
      customerId: balance.customerId ?? context.principal.customerId,
      reference: payment.reference,
      currency: balance.currency,
      scheme: payment.scheme,
      amountCents: balance.balanceCents,
      payload: payment.payload,
      createdBy: context.principal.subject,
      createdAt: now,
      expiresAt: now + ttlS * 1000,
      periodStart: balance.periodStart.getTime(),
      paymentId: null,
      providerReference: null,
      paidAt: null,
      writtenAt: now,
    };
    await context.paymentIntents.save(record);
    return record;
  });
}

export const paymentIntentsResolvers = {
  Query: {
    async paymentIntent(_: unknown, args: { id: string }, context: GraphqlContext): Promise<PaymentIntentView> {
      validateId('id', args.id);
      const intent = await context.paymentIntents.get(args.id);
      // Visible when its invoice is to the caller (customers: theirs); otherwise as if it did not exist.
      if (!intent || !(await visibleInvoice(context, intent.invoiceId))) throw notFound('id', `no payment intent ${JSON.stringify(args.id)} you may see`);
      return intentView(intent);
    },
  },
  Mutation: {
    startPayment: async (_: unknown, args: StartArgs, context: GraphqlContext): Promise<PaymentIntentView> =>
      intentView(
        await context.mutations.run(
          context,
          {
            operation: 'startPayment',
            target: args.invoiceId,
            args: { invoiceId: args.invoiceId },
            idempotencyKey: args.idempotencyKey ?? null,
            roles: ['admin', 'customer'],
            toRecord: (r: PaymentIntentRecord) => ({ intentId: r.intentId }),
            fromRecord: async (record) => {
              const intent = await context.paymentIntents.get((record as { intentId: string }).intentId);
              if (!intent) throw notFound('invoiceId', 'the payment intent of this earlier request is no longer stored');
              return intent;
            },
          },
          () => start(context, args),
        ),
      ),
  },
  Invoice: {
    // The invoice was already filtered for the caller by the query that returned it.
    paymentIntents: async (invoice: InvoiceView, _: unknown, context: GraphqlContext) => (await context.paymentIntents.ofInvoice(invoice.id)).map((r) => intentView(r)),
  },
};
