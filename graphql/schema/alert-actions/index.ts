import type { GraphqlModule } from '../graphql-module';
import { alertActionsResolvers } from './resolvers';
import { alertActionsTypeDefs } from './type-defs';

/** acknowledgeAlert, closeAlert. */
export const alertActionsModule: GraphqlModule = { typeDefs: alertActionsTypeDefs, resolvers: alertActionsResolvers };
