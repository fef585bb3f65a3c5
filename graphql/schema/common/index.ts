import type { GraphqlModule } from '../graphql-module';
import { dateTimeScalar } from '../scalars';

/* GraphQL */
const typeDefs = `
  "An instant: ISO 8601 with a zone (Z or ±hh:mm) on input, UTC with milliseconds on output."
  scalar DateTime

  "What a meter measures."
  enum MeterKind {
    water
    electricity
    gas
    temperature
    generic
  }

  "Relay-style paging: pass endCursor as after to get the next page."
  type PageInfo {
    "True when another page follows."
    hasNextPage: Boolean!
    "Cursor of the last item of this page (null on an empty page)."
    endCursor: String
  }

  type Query {
    "The API's version (also a cheap liveness probe for clients)."
    apiVersion: String!
  }
`;

export const commonModule: GraphqlModule = {
  typeDefs,
  resolvers: { DateTime: dateTimeScalar, Query: { apiVersion: () => '1' } },
};
