import { createHash } from 'node:crypto';
import { writeTableRow } from '../../../core/questdb/write-table-row';
import { paymentToRow } from '../../../core/streams/payments';
import { systemPrincipal } from '../../auth/principal';
import { invoiceBalances, overdueCents } from '../../billing/invoice-balances';
import { formatCents } from '../../../core/units/money';
import { parseAmountCents } from '../../billing/parse-amount';
import type { GraphqlContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import { validateId } from '../arguments';

interface PayArgs {
  invoiceId: string;
  amount: string;
  reference: string;
  idempotencyKey?: string | null;
}

export interface PaymentView {
  id: string;
  invoiceId: string;
  meterId: string;
  amount: string;
  amountCents: number;
  currency: string;
  reference: string;
  recordedBy: string;
  recordedAt: Date;
  invoiceBalanceCents: number;
  meterOverdueCents: number;
  unblockCommandId: string | null;
}

async function storedPayment(context: GraphqlContext, paymentId: string): Promise<PaymentView | null> {
  // A view of a payment this server recorded, for a retry before QuestDB shows the row.
  const mine = context.recentWrites.paymentViews.get(paymentId);
  const { rows } = await context.questdb.query<{ ts: Date; recorded_at: Date | null; invoice_id: string; meter_id: string; amount_cents: string; currency: string; reference: string; recorded_by: string }>(
    `SELECT ts, recorded_at, invoice_id, meter_id, amount_cents, currency, reference, recorded_by FROM payments WHERE payment_id = $1 LIMIT 1`,
    [paymentId],
  );
  const row = rows[0];
  if (!row) return mine ?? null;
  const balances = await invoiceBalances(context, { meterId: row.meter_id });
  const cents = Number(row.amount_cents);
  return {
    id: paymentId,
    invoiceId: row.invoice_id,
    meterId: row.meter_id,
    amount: formatCents(cents),
    amountCents: cents,
    currency: row.currency,
    reference: row.reference,
    recordedBy: row.recorded_by,
    // Rows written before recorded_at existed had the wall clock in ts.
    recordedAt: row.recorded_at ?? row.ts,
    invoiceBalanceCents: balances.find((b) => b.invoiceId === row.invoice_id)?.balanceCents ?? 0,
    meterOverdueCents: overdueCents(balances, today()),
    unblockCommandId: mine?.unblockCommandId ?? null,
  };
}

const today = () => new Date().toISOString().slice(0, 10);

async function pay(context: GraphqlContext, args: PayArgs): Promise<PaymentView> {
  validateId('invoiceId', args.invoiceId.replaceAll('/', ':'));
  const cents = parseAmountCents(args.amount);
  if (cents === null || cents === 0) throw badInput('amount', 'must be a positive decimal with at most 2 decimals, e.g. "133.22"');
  const reference = args.reference.trim();
  if (reference.length < 1 || reference.length > 100) throw badInput('reference', 'must be 1-100 characters');
  const paymentId = `pay-${createHash('sha256').update(`${args.invoiceId}\u0000${reference}`).digest('hex').slice(0, 24)}`;
  // Two calls for the same payment in this process run one after the other, so the second sees
  // the first (context.recentWrites) instead of both passing the check below. Across replicas the row's key
  // (see record) makes the two writes one row.
  return context.mutations.exclusive(paymentId, () => record(context, paymentId, cents, reference, args.invoiceId));
}

async function record(context: GraphqlContext, paymentId: string, cents: number, reference: string, invoiceId: string): Promise<PaymentView> {
  const existing = await storedPayment(context, paymentId);
  if (existing) {
    if (existing.amountCents !== cents) throw conflict('reference', `reference ${reference} was already recorded for this invoice with amount ${existing.amount}`);
    return existing;
  }
  // Another replica may have stored this very payment since the check above (WAL visibility): its
  // row is left out of the balance, since our write replaces it (same key) rather than adding.
  const [invoice] = await invoiceBalances(context, { invoiceId }, paymentId);
  if (!invoice) {
    const { rows } = await context.questdb.query<{ status: string }>(`SELECT status FROM invoices WHERE invoice_id = $1 LIMIT 1`, [invoiceId]);
    if (rows[0]) throw conflict('invoiceId', `invoice ${invoiceId} is ${rows[0].status}; only final and adjustment invoices are payable`);
    throw notFound('invoiceId', `no invoice ${JSON.stringify(invoiceId)}`);
  }
  if (cents > invoice.balanceCents) throw badInput('amount', `exceeds the invoice's balance of ${formatCents(Math.max(0, invoice.balanceCents))} ${invoice.currency}`);
  const recordedAt = Date.now();
  // The DEDUP key (ts, payment_id) is a function of the invoice and the reference only: a
  // replica that did not see this payment yet (WAL delay, its own caches) writes the same key,
  // and QuestDB keeps one row. A wall-clock ts here would make every replica's write a new row.
  const row = paymentToRow({
    paymentId,
    invoiceId: invoice.invoiceId,
    meterId: invoice.meterId,
    periodStart: invoice.periodStart.getTime(),
    amountCents: cents,
    currency: invoice.currency,
    reference,
    recordedBy: context.principal.subject,
    recordedAt,
  });
  await context.mutations.write((w) => writeTableRow(w, row));
  const view: PaymentView = {
    id: paymentId,
    invoiceId: invoice.invoiceId,
    meterId: invoice.meterId,
    amount: formatCents(cents),
    amountCents: cents,
    currency: invoice.currency,
    reference,
    recordedBy: context.principal.subject,
    recordedAt: new Date(recordedAt),
    invoiceBalanceCents: invoice.balanceCents - cents,
    meterOverdueCents: 0,
    unblockCommandId: null,
  };
  context.recentWrites.pendingPayments.set(paymentId, { paymentId, invoiceId: invoice.invoiceId, cents, at: recordedAt });
  context.recentWrites.paymentViews.set(paymentId, view);
  const balances = await invoiceBalances(context, { meterId: invoice.meterId });
  view.meterOverdueCents = overdueCents(balances, today());
  if (view.meterOverdueCents <= 0) view.unblockCommandId = await unblockIfDebtBlocked(context, invoice.meterId, paymentId);
  return view;
}

/** The debt policy's other half: a meter blocked for DEBT with nothing overdue is unblocked (audited as the policy). */
async function unblockIfDebtBlocked(context: GraphqlContext, meterId: string, paymentId: string): Promise<string | null> {
  const status = (await context.commands.meterStatuses([meterId])).get(meterId);
  if (status?.status !== 'BLOCKED' || status.reason !== 'DEBT') return null;
  const policyContext: GraphqlContext = { ...context, principal: systemPrincipal };
  const commandId = `cmd-${createHash('sha256').update(`policy-debt-unblock\u0000${paymentId}`).digest('hex').slice(0, 24)}`;
  const command = await context.mutations.run(
    policyContext,
    {
      operation: 'unblockMeter',
      target: meterId,
      args: { meterId, note: `overdue balance paid (payment ${paymentId})`, policy: 'debt' },
      idempotencyKey: `debt-paid-${paymentId}`,
      toRecord: (c: { commandId: string }) => ({ commandId: c.commandId }),
      fromRecord: async (r) => ({ commandId: (r as { commandId: string }).commandId }),
    },
    async () =>
      context.commands.issue({ commandId, meterId, type: 'unblock', reason: null, note: `overdue balance paid (payment ${paymentId})`, issuedBy: 'policy:debt', ttlS: context.commandSettings.ttlS }),
  );
  return command.commandId;
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
