import type { GraphqlModule } from '../graphql-module';
import { meterRegistryResolvers } from './resolvers';
import { meterRegistryTypeDefs } from './type-defs';

/** registerMeter, updateMeter, assignTariff. */
export const meterRegistryModule: GraphqlModule = { typeDefs: meterRegistryTypeDefs, resolvers: meterRegistryResolvers };
