import type { GraphqlModule } from '../graphql-module';
import { recommendationsResolvers } from './resolvers';
import { recommendationsTypeDefs } from './type-defs';

export const recommendationsModule: GraphqlModule = { typeDefs: recommendationsTypeDefs, resolvers: recommendationsResolvers };
