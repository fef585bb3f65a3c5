/**
 * One concept's slice of the schema: its SDL (types and the Query/Mutation/Subscription fields
 * it adds; graphql-tools merges repeated `type Query` blocks) and its resolvers.
 */
export interface GraphqlModule {
  typeDefs: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- resolver maps are checked per module
  resolvers: Record<string, any>;
}
