import { requireMeterAccess } from '../../auth/authorize';
import type { GraphqlContext } from '../../context';
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

// Access is checked once, when the subscription starts.
export const liveResolvers = {
  Subscription: {
    meterReadings: {
      async subscribe(_: unknown, args: { meterId: string }, context: GraphqlContext) {
        await requireMeterAccess(context, args.meterId);
        return context.live.readings(args.meterId);
      },
      resolve: passThrough,
    },
    alerts: {
      async subscribe(_: unknown, args: { meterId?: string | null; sector?: string | null }, context: GraphqlContext) {
        if (args.sector != null) validateId('sector', args.sector);
        const meterId = await checkOptionalMeter(context, args.meterId);
        return context.live.alerts({ meterId, sector: args.sector ?? null });
      },
      resolve: passThrough,
    },
    commandUpdates: {
      async subscribe(_: unknown, args: { meterId?: string | null }, context: GraphqlContext) {
        const meterId = await checkOptionalMeter(context, args.meterId);
        return context.commands.watch(meterId);
      },
      resolve: passThrough,
    },
  },
};
