import { createHash } from 'node:crypto';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { paymentToRow } from '../../core/streams/payments';
import { formatCents } from '../../core/units/money';
import { systemPrincipal } from '../auth/principal';
import type { GraphqlContext } from '../context';
import { badInput, conflict, notFound } from '../errors';
import { invoiceBalances, overdueCents } from './invoice-balances';

/** A payment as payInvoice returns it (and the payment webhook records it). */
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

export interface PaymentRequest {
  invoiceId: string;
  cents: number;
  /** The payer's, bank's or provider's reference, already checked (1-100 characters). */
  reference: string;
}

/** `pay-` + sha256(invoice, reference): the same reference never counts twice for an invoice. */
export function paymentIdOf(invoiceId: string, reference: string): string {
  return `pay-${createHash('sha256').update(`${invoiceId}\u0000${reference}`).digest('hex').slice(0, 24)}`;
}

/**
 * Records a payment against a final or adjustment invoice, as `context.principal` (its subject
 * is `recorded_by`), unless the same (invoice, reference) is already recorded: then that
 * payment is returned (`created: false`) or, with another amount, CONFLICT reference. The
 * amount may not exceed the balance. When the meter is left with nothing overdue and is
 * BLOCKED for DEBT, it is unblocked (audited as the policy). payInvoice and the payment
 * webhook both record through here (docs/graphql-admin.md, docs/payments.md).
 */
export async function recordPayment(context: GraphqlContext, request: PaymentRequest): Promise<{ payment: PaymentView; created: boolean }> {
  const paymentId = paymentIdOf(request.invoiceId, request.reference);
  // Two calls for the same payment in this process run one after the other, so the second sees
  // the first (context.recentWrites) instead of both passing the check below. Across replicas the row's key
  // (see record) makes the two writes one row.
  return context.mutations.exclusive(paymentId, () => record(context, paymentId, request.cents, request.reference, request.invoiceId));
}

/** A payment as stored (or as this server just wrote it), null when there is none. */
export async function storedPayment(context: GraphqlContext, paymentId: string): Promise<PaymentView | null> {
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

async function record(context: GraphqlContext, paymentId: string, cents: number, reference: string, invoiceId: string): Promise<{ payment: PaymentView; created: boolean }> {
  const existing = await storedPayment(context, paymentId);
  if (existing) {
    if (existing.amountCents !== cents) throw conflict('reference', `reference ${reference} was already recorded for this invoice with amount ${existing.amount}`);
    return { payment: existing, created: false };
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
  return { payment: view, created: true };
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
