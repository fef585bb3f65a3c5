import { requireMeterAccess } from '../../auth/authorize';
import type { GraphqlContext } from '../../context';
import { badInput } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { guardSubscription } from '../../live/guarded-subscription';
import { recommendationUpdates, type RecommendationsUpdate } from '../../recommendations/recommendation-updates';
import { recommendationSettings, recommendationsOf, type RecommendationArgs, type RecommendationView } from './meter-recommendations';

/** Bounds of recommendationsChanged's everySeconds: a minute at least (each evaluation reads a window of readings). */
export const everySecondsBounds = { min: 60, max: 86_400 } as const;

interface ChangedArgs extends RecommendationArgs {
  meterId: string;
  everySeconds?: number | null;
}

export const recommendationsResolvers = {
  Meter: {
    recommendations: (m: MeterRecord, args: RecommendationArgs, context: GraphqlContext) => recommendationsOf(context, m, args),
  },
  Subscription: {
    recommendationsChanged: {
      /** Access is checked at the start and again every subscriptionRecheckMs; each evaluation reads the meter afresh. */
      async subscribe(_: unknown, args: ChangedArgs, context: GraphqlContext) {
        await requireMeterAccess(context, args.meterId);
        recommendationSettings(args);
        const everySeconds = args.everySeconds ?? 900;
        if (!Number.isInteger(everySeconds) || everySeconds < everySecondsBounds.min || everySeconds > everySecondsBounds.max) {
          throw badInput('everySeconds', `must be an integer between ${everySecondsBounds.min} and ${everySecondsBounds.max}; got ${everySeconds}`);
        }
        const updates = recommendationUpdates<RecommendationView>({
          everyMs: everySeconds * 1000,
          evaluate: async () => recommendationsOf(context, await requireMeterAccess(context, args.meterId), args),
          onError: (error) => context.logger.warn('recommendations evaluation failed', { meterId: args.meterId, error }),
        });
        return guardSubscription(updates, {
          recheckMs: context.subscriptionRecheckMs,
          ...(context.principal.expiresAt !== undefined ? { expiresAt: context.principal.expiresAt } : {}),
          stillAllowed: () => requireMeterAccess(context, args.meterId).then(() => true, () => false),
          onEnd: (reason) => context.logger.info('subscription ended by the server', { reason, subject: context.principal.subject, meterId: args.meterId }),
        });
      },
      resolve: (payload: RecommendationsUpdate<RecommendationView>, args: ChangedArgs) => ({ meterId: args.meterId, ...payload }),
    },
  },
};
