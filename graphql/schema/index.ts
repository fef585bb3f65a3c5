import { createSchema } from 'graphql-yoga';
import type { GraphqlContext } from '../context';
import { resolveReadings } from './readings/resolve-readings';
import { readingsTypeDefs } from './readings/type-defs';
import { dateTimeScalar } from './scalars';

export function createMeterflowSchema() {
  return createSchema<GraphqlContext>({
    typeDefs: [readingsTypeDefs],
    resolvers: {
      DateTime: dateTimeScalar,
      Query: { readings: resolveReadings },
    },
  });
}
