import type { GraphqlModule } from '../graphql-module';
import { resolveReadingSeries } from './resolve-reading-series';
import { resolveReadings } from './resolve-readings';
import { readingsTypeDefs } from './type-defs';

export const readingsModule: GraphqlModule = {
  typeDefs: readingsTypeDefs,
  resolvers: {
    Query: { readings: resolveReadings, readingSeries: resolveReadingSeries },
    // Stored and live readings carry null for a device's reading, else 'manual' / 'estimated'.
    Reading: { source: (r: { source?: string | null }) => (r.source ?? 'device').toUpperCase() },
  },
};
