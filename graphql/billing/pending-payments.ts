/**
 * Payments this process has written that QuestDB's WAL may not show yet. Balance queries leave
 * these ids out of their SQL sum and add them here, so a payment counts exactly once whether
 * or not QuestDB has applied it. Entries go after ten minutes (long applied by then).
 */
export interface PendingPayment {
  paymentId: string;
  invoiceId: string;
  cents: number;
  at: number;
}

const keepMs = 10 * 60_000;
const pending = new Map<string, PendingPayment>();

export function addPendingPayment(payment: PendingPayment): void {
  pending.set(payment.paymentId, payment);
}

export function pendingPayments(now = Date.now()): PendingPayment[] {
  for (const [id, p] of pending) if (now - p.at > keepMs) pending.delete(id);
  return [...pending.values()];
}

export function findPendingPayment(paymentId: string): PendingPayment | undefined {
  return pending.get(paymentId);
}
