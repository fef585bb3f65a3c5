import type { GraphqlModule } from '../graphql-module';
import { invoicesResolvers } from './resolvers';
import { invoicesTypeDefs } from './type-defs';

export const invoicesModule: GraphqlModule = { typeDefs: invoicesTypeDefs, resolvers: invoicesResolvers };
