import type { GraphqlContext } from '../../context';
import type { GraphqlModule } from '../graphql-module';
import { resolveFleetStats, resolveTopConsumers } from './fleet-resolvers';
import { resolveRollingAverages } from './rolling-averages';
import { resolveRollups } from './rollups';
import { analyticsTypeDefs } from './type-defs';

export const analyticsModule: GraphqlModule = {
  typeDefs: analyticsTypeDefs,
  resolvers: {
    Query: { rollingAverages: resolveRollingAverages, rollups: resolveRollups, fleetStats: resolveFleetStats, topConsumers: resolveTopConsumers },
    MeterConsumption: { meter: (p: { meterId: string }, _: unknown, context: GraphqlContext) => context.meters.get(p.meterId) },
  },
};
