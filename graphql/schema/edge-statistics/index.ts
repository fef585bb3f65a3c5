import type { GraphqlModule } from '../graphql-module';
import { edgeStatisticsResolvers } from './resolvers';
import { edgeStatisticsTypeDefs } from './type-defs';

/** Meter.edgeStatistics and Subscription.edgeStatistics: the interval summaries edge nodes send (docs/edge-statistics.md). */
export const edgeStatisticsModule: GraphqlModule = { typeDefs: edgeStatisticsTypeDefs, resolvers: edgeStatisticsResolvers };
