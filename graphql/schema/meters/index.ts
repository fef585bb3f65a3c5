import type { GraphqlModule } from '../graphql-module';
import { metersResolvers } from './resolvers';
import { metersTypeDefs } from './type-defs';

export const metersModule: GraphqlModule = { typeDefs: metersTypeDefs, resolvers: metersResolvers };
