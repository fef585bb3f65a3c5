import type { GraphqlModule } from '../graphql-module';
import { alertsResolvers } from './resolvers';
import { alertsTypeDefs } from './type-defs';

export const alertsModule: GraphqlModule = { typeDefs: alertsTypeDefs, resolvers: alertsResolvers };
