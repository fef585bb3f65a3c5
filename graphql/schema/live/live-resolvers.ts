import { customerScope, requireMeterAccess } from '../../auth/authorize';
import { customerAlertFeed } from '../../live/customer-alert-feed';
import type { GraphqlContext } from '../../context';
import { guardSubscription } from '../../live/guarded-subscription';
import { forbidden } from '../../errors';
import { validateId } from '../arguments';

/** Customers follow only their own meters: they must name one. */
async function checkOptionalMeter(context: GraphqlContext, meterId: string | null | undefined): Promise<string | null> {
  if (meterId != null) {
    await requireMeterAccess(context, meterId);
    return meterId;
  }
  if (context.principal.role === 'customer') throw forbidden('customers must subscribe with the meterId of one of their meters');
  return null;
}

const passThrough = <T>(payload: T) => payload;

/**
 * Access is checked when the subscription starts, and again every subscriptionRecheckMs while it
 * runs (the meter may have moved to another customer); a JWT's stream ends at its exp.
 */
function guarded<T>(context: GraphqlContext, meterId: string | null, source: AsyncIterator<T>): AsyncIterableIterator<T> {
  return guardSubscription(source, {
    recheckMs: context.subscriptionRecheckMs,
    ...(context.principal.expiresAt !== undefined ? { expiresAt: context.principal.expiresAt } : {}),
    stillAllowed: async () => {
      if (meterId === null) return true;
      try {
        await requireMeterAccess(context, meterId);
        return true;
      } catch {
        return false;
      }
    },
    onEnd: (reason) => context.logger.info('subscription ended by the server', { reason, subject: context.principal.subject, meterId }),
  });
}

export const liveResolvers = {
  Subscription: {
    meterReadings: {
      async subscribe(_: unknown, args: { meterId: string }, context: GraphqlContext) {
        await requireMeterAccess(context, args.meterId);
        return guarded(context, args.meterId, context.live.readings(args.meterId));
      },
      resolve: passThrough,
    },
    alerts: {
      async subscribe(_: unknown, args: { meterId?: string | null; sector?: string | null }, context: GraphqlContext) {
        if (args.sector != null) validateId('sector', args.sector);
        // A customer without a meterId follows all of their own meters.
        const customer = customerScope(context);
        if (customer !== null && args.meterId == null) return customerAlertFeed(context, customer, args.sector ?? null);
        const meterId = await checkOptionalMeter(context, args.meterId);
        return guarded(context, meterId, context.live.alerts({ meterId, sector: args.sector ?? null }));
      },
      resolve: passThrough,
    },
    commandUpdates: {
      async subscribe(_: unknown, args: { meterId?: string | null }, context: GraphqlContext) {
        const meterId = await checkOptionalMeter(context, args.meterId);
        return guarded(context, meterId, context.commands.watch(meterId));
      },
      resolve: passThrough,
    },
  },
};
