import type { GraphqlContext } from '../context';
import { guardSubscription } from './guarded-subscription';
import type { LiveAlert } from './live-records';

/**
 * A customer's own alert feed: alert transitions of every meter they own now, whatever the
 * rule (leaks, excessive use, projected and final bill variations). The set of meters is read
 * when the feed starts and again every subscriptionRecheckMs, so a meter that moves in or out
 * joins or leaves the feed without a new subscription; a JWT's stream still ends at its exp.
 */
export async function customerAlertFeed(context: GraphqlContext, customerId: string, sector: string | null): Promise<AsyncIterableIterator<LiveAlert>> {
  const ownedNow = async () => new Set((await context.meters.list({ customerId })).map((m) => m.meterId));
  const filter = { meterId: null, sector, meterIds: await ownedNow() };
  const source = context.live.alerts(filter);
  return guardSubscription(source, {
    recheckMs: context.subscriptionRecheckMs,
    ...(context.principal.expiresAt !== undefined ? { expiresAt: context.principal.expiresAt } : {}),
    // The recheck refreshes the set instead of ending the stream: owning no meter is an empty feed, not a revocation.
    stillAllowed: async () => {
      filter.meterIds = await ownedNow();
      return true;
    },
    onEnd: (reason) => context.logger.info('subscription ended by the server', { reason, subject: context.principal.subject }),
  });
}
