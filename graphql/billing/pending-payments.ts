/**
 * A payment this server has written that QuestDB's WAL may not show yet. Balance queries leave
 * these ids out of their SQL sum and add them from memory (invoice-balances.ts), so a payment
 * counts exactly once whether or not QuestDB has applied it. They are held in the server's
 * recent writes (mutations/recent-write-caches.ts), for minutes: long applied by then.
 */
export interface PendingPayment {
  paymentId: string;
  invoiceId: string;
  cents: number;
  at: number;
}
