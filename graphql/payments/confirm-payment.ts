import { GraphQLError } from 'graphql';
import { formatCents } from '../../core/units/money';
import type { Principal } from '../auth/principal';
import { recordPayment } from '../billing/record-payment';
import type { GraphqlContext, GraphqlServices } from '../context';
import { conflict, notFound } from '../errors';
import type { PaymentConfirmation } from './payment-confirmation';

/** The webhook acts as this principal: payments it records say `recorded_by = payment-provider`, audit rows `actor = payment-provider`. */
export const paymentProviderPrincipal: Principal = { subject: 'payment-provider', role: 'admin', customerId: null, via: 'system' };

/** What the webhook answers (docs/payments.md). */
export type ConfirmationAnswer =
  | { status: 200; body: { ok: true; duplicate: boolean; paymentId: string; intentId: string; invoiceId: string; unblockCommandId: string | null } }
  | { status: 422; body: { ok: false; error: string; field: string | null } }
  | { status: 503; body: { ok: false; error: string } };

interface ConfirmedRecord {
  paymentId: string;
  intentId: string;
  invoiceId: string;
  duplicate: boolean;
  unblockCommandId: string | null;
}

/**
 * Records a provider's confirmation: the intent is found by its reference and amount, the
 * payment recorded through the same path as payInvoice (recordPayment: same table, balance
 * check, debt unblock) with the provider's reference as the payment's reference, so a
 * redelivery finds the first payment (`duplicate: true`) and writes nothing new; then the
 * intent's paid row is written (the same row again on a redelivery, which also repairs a
 * crash between the two writes). Each delivery is audited as operation `confirmPayment`,
 * actor `payment-provider`. Not recordable (unknown reference, amount or currency not the
 * intent's, above the balance, provider reference reused for another amount) → 422, nothing
 * written; QuestDB or Kafka failing → 503 (the provider retries).
 */
export async function confirmPayment(services: GraphqlServices, confirmation: PaymentConfirmation): Promise<ConfirmationAnswer> {
  const context: GraphqlContext = { ...services, principal: paymentProviderPrincipal };
  const log = services.logger.child('payment-webhook');
  try {
    const intents = await services.paymentIntents.withReference(confirmation.reference);
    const intent = intents.find((i) => i.amountCents === confirmation.amountCents && i.currency === confirmation.currency) ?? null;
    const result = await context.mutations.run<ConfirmedRecord>(
      context,
      {
        operation: 'confirmPayment',
        target: intent?.invoiceId ?? intents[0]?.invoiceId ?? confirmation.reference,
        args: { ...confirmation, paidAt: new Date(confirmation.paidAt).toISOString() },
        idempotencyKey: null,
        toRecord: (r) => r,
        fromRecord: async (r) => r as ConfirmedRecord,
      },
      async () => {
        if (intents.length === 0) throw notFound('reference', `no payment intent has the reference ${confirmation.reference}`);
        if (!intent) {
          const asked = intents.map((i) => `${formatCents(i.amountCents)} ${i.currency}`).join(', ');
          const field = intents.some((i) => i.amountCents === confirmation.amountCents) ? 'currency' : 'amount';
          throw conflict(field, `${confirmation.amount} ${confirmation.currency} is not what a payment intent of this reference asks for (${asked})`);
        }
        const { payment, created } = await recordPayment(context, { invoiceId: intent.invoiceId, cents: confirmation.amountCents, reference: confirmation.providerReference });
        await services.paymentIntents.save({
          ...intent,
          state: 'paid',
          paymentId: payment.id,
          providerReference: confirmation.providerReference,
          paidAt: confirmation.paidAt,
          writtenAt: Date.now(),
        });
        return { paymentId: payment.id, intentId: intent.intentId, invoiceId: intent.invoiceId, duplicate: !created, unblockCommandId: payment.unblockCommandId };
      },
    );
    log.info('payment confirmed', { ...result, providerReference: confirmation.providerReference });
    return { status: 200, body: { ok: true, ...result } };
  } catch (error) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    if (code === 'NOT_FOUND' || code === 'CONFLICT' || code === 'BAD_USER_INPUT') {
      const field = typeof (error as GraphQLError).extensions.field === 'string' ? ((error as GraphQLError).extensions.field as string) : null;
      // Money the provider says moved but that is not recorded: someone has to look (refund or record by hand).
      log.warn('payment confirmation not recorded', { reference: confirmation.reference, providerReference: confirmation.providerReference, amount: confirmation.amount, currency: confirmation.currency, code, error });
      return { status: 422, body: { ok: false, error: (error as Error).message, field } };
    }
    log.error('payment confirmation failed', { reference: confirmation.reference, providerReference: confirmation.providerReference, error });
    return { status: 503, body: { ok: false, error: 'payment not recorded, retry later' } };
  }
}
