import { parseAmountCents } from '../../billing/parse-amount';
import { recordPayment, storedPayment, type PaymentView } from '../../billing/record-payment';
import type { GraphqlContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { validateId } from '../arguments';

interface PayArgs {
  invoiceId: string;
  amount: string;
  reference: string;
  idempotencyKey?: string | null;
}

async function pay(context: GraphqlContext, args: PayArgs): Promise<PaymentView> {
  validateId('invoiceId', args.invoiceId.replaceAll('/', ':'));
  const cents = parseAmountCents(args.amount);
  if (cents === null || cents === 0) throw badInput('amount', 'must be a positive decimal with at most 2 decimals, e.g. "133.22"');
  const reference = args.reference.trim();
  if (reference.length < 1 || reference.length > 100) throw badInput('reference', 'must be 1-100 characters');
  return (await recordPayment(context, { invoiceId: args.invoiceId, cents, reference })).payment;
}

export const paymentsResolvers = {
  Payment: {
    unblockCommand: (payment: PaymentView, _: unknown, context: GraphqlContext) => (payment.unblockCommandId ? context.commands.get(payment.unblockCommandId) : null),
  },
  Mutation: {
    payInvoice: (_: unknown, args: PayArgs, context: GraphqlContext) =>
      context.mutations.run(
        context,
        {
          operation: 'payInvoice',
          target: args.invoiceId,
          args,
          idempotencyKey: args.idempotencyKey ?? null,
          toRecord: (p: PaymentView) => ({ paymentId: p.id }),
          fromRecord: async (record) => {
            const payment = await storedPayment(context, (record as { paymentId: string }).paymentId);
            if (!payment) throw notFound('invoiceId', 'the payment of this earlier request is no longer stored');
            return payment;
          },
        },
        () => pay(context, args),
      ),
  },
};
