import type { GraphqlModule } from '../graphql-module';
import { paymentsResolvers } from './resolvers';
import { paymentsTypeDefs } from './type-defs';

/** payInvoice, and the unblock of a debt-blocked meter whose overdue balance is paid. */
export const paymentsModule: GraphqlModule = { typeDefs: paymentsTypeDefs, resolvers: paymentsResolvers };
