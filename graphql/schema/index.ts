import { createSchema } from 'graphql-yoga';
import type { GraphqlContext } from '../context';
import { commonModule } from './common';
import type { GraphqlModule } from './graphql-module';
import { readingsModule } from './readings';

/** Every module of the schema; each adds its types and root fields. */
export const schemaModules: GraphqlModule[] = [commonModule, readingsModule];

export function createMeterflowSchema() {
  return createSchema<GraphqlContext>({
    typeDefs: schemaModules.map((m) => m.typeDefs),
    resolvers: schemaModules.map((m) => m.resolvers),
  });
}
