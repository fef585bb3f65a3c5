import type { GraphqlModule } from '../graphql-module';
import { liveResolvers } from './live-resolvers';
import { liveTypeDefs } from './type-defs';

/** Subscriptions: live readings, alerts and command updates (SSE). */
export const liveModule: GraphqlModule = { typeDefs: liveTypeDefs, resolvers: liveResolvers };
