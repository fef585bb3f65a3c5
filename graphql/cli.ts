import { runCliMain } from '../core/cli-command';
import { serviceCommand } from '../core/cli';
import { graphqlOptionsFromConfig } from './graphql-options';
import { startGraphqlServer } from './server';

export const command = serviceCommand('graphql', {
  help: {
    summary: 'GraphQL API: queries over QuestDB, commands to meters through Kafka, live subscriptions.',
    usage: '',
    description: `
Serves /graphql (GraphiQL in a browser in development mode) and /health on MF_GRAPHQL_PORT
(default 4000): queries over QuestDB, block/unblock mutations through Kafka to the meters,
live subscriptions (SSE) fed from Kafka, role-based access. Every request needs credentials:
"Authorization: ApiKey <key>" or "Authorization: Bearer <jwt>" (docs/graphql.md). SIGTERM
stops accepting requests, ends subscriptions and exits.`,
    environment: 'MF_GRAPHQL_*, MF_POLICY_*, MF_QUESTDB_PG_*, MF_KAFKA_*.',
    examples: ['meterflow graphql', 'MF_GRAPHQL_PORT=4001 meterflow graphql'],
  },
  async start(config, logger) {
    const server = await startGraphqlServer(graphqlOptionsFromConfig(config, logger));
    return () => server.stop();
  },
});

if (require.main === module) runCliMain('graphql', command);
