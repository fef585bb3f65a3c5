import type { GraphqlModule } from '../graphql-module';
import { resolveReadingSeries } from './resolve-reading-series';
import { resolveReadings } from './resolve-readings';
import { readingsTypeDefs } from './type-defs';

export const readingsModule: GraphqlModule = { typeDefs: readingsTypeDefs, resolvers: { Query: { readings: resolveReadings, readingSeries: resolveReadingSeries } } };
