import type { GraphqlModule } from '../graphql-module';
import { meterOwnersResolvers } from './resolvers';
import { meterOwnersTypeDefs } from './type-defs';

/** changeMeterOwner and Meter.ownerChanges: customers moving in and out of a service point. */
export const meterOwnersModule: GraphqlModule = { typeDefs: meterOwnersTypeDefs, resolvers: meterOwnersResolvers };
