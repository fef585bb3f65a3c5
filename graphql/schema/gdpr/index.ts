import type { GraphqlModule } from '../graphql-module';
import { gdprResolvers } from './resolvers';
import { gdprTypeDefs } from './type-defs';

/** exportCustomerData and eraseCustomerData: a customer's right of access and right to erasure (docs/gdpr.md). */
export const gdprModule: GraphqlModule = { typeDefs: gdprTypeDefs, resolvers: gdprResolvers };
