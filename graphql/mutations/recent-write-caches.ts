import type { StoredAlertRow } from '../../core/streams/alerts';
import type { MeterOwnerChange } from '../../core/streams/meter-owners';
import type { PendingPayment } from '../billing/pending-payments';
import type { PaymentView } from '../billing/record-payment';
import { createRecentWrites, type RecentWrites } from './recent-writes';

/** The server's read-your-writes memory, one bounded cache per kind of write (recent-writes.ts). */
export interface RecentWriteCaches {
  /** Alert rows written by acknowledgeAlert / closeAlert, by alert id: a re-read sees the new state at once. */
  alerts: RecentWrites<StoredAlertRow>;
  /** Views of payments recorded by payInvoice, by payment id: a retry answers with the same view (its unblock command included). */
  paymentViews: RecentWrites<PaymentView>;
  /** Payments recorded by payInvoice, by payment id: balances count them exactly once (invoice-balances.ts). */
  pendingPayments: RecentWrites<PendingPayment>;
  /** Owner changes declared by changeMeterOwner, by `<meterId>@<from>`: the next change and the access rules see them at once. */
  ownerChanges: RecentWrites<MeterOwnerChange>;
}

export interface RecentWriteCachesOptions {
  /** Most entries per cache (default 10,000). */
  maxEntries?: number;
  /** How long an entry is kept (default 10 minutes: QuestDB shows a write within seconds). */
  ttlMs?: number;
  /** Epoch ms; injected so tests drive expiry. */
  clock?: () => number;
}

export function createRecentWriteCaches(options: RecentWriteCachesOptions = {}): RecentWriteCaches {
  const bounds = { maxEntries: options.maxEntries ?? 10_000, ttlMs: options.ttlMs ?? 10 * 60_000, clock: options.clock ?? Date.now };
  return { alerts: createRecentWrites(bounds), paymentViews: createRecentWrites(bounds), pendingPayments: createRecentWrites(bounds), ownerChanges: createRecentWrites(bounds) };
}
