import type { GraphqlModule } from '../graphql-module';
import { paymentIntentsResolvers } from './resolvers';
import { paymentIntentsTypeDefs } from './type-defs';

/** startPayment, paymentIntent, Invoice.paymentIntents: a customer paying their own invoice (docs/payments.md). */
export const paymentIntentsModule: GraphqlModule = { typeDefs: paymentIntentsTypeDefs, resolvers: paymentIntentsResolvers };
