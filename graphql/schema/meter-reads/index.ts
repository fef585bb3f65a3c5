import type { GraphqlModule } from '../graphql-module';
import { meterReadsResolvers } from './resolvers';
import { meterReadsTypeDefs } from './type-defs';

/** recordMeterRead, acceptMeterRead: an admin's reads, corrections and confirmations of held jumps. */
export const meterReadsModule: GraphqlModule = { typeDefs: meterReadsTypeDefs, resolvers: meterReadsResolvers };
