import { runService } from '../core/cli';
import { graphqlOptionsFromConfig } from './graphql-options';
import { startGraphqlServer } from './server';

runService('graphql', {
  usage: `
meterflow GraphQL API: queries over QuestDB, block/unblock mutations through Kafka to the
meters, live subscriptions (SSE) fed from Kafka, role-based access (API keys, JWT).

Usage: npm run graphql            (or: node dist/graphql/cli.js)

Serves /graphql (GraphiQL in a browser in development mode) and /health on MF_GRAPHQL_PORT
(default 4000). Every request needs credentials: "Authorization: ApiKey <key>" or
"Authorization: Bearer <jwt>" (docs/graphql.md). Settings: docs/configuration.md
(MF_GRAPHQL_*, MF_POLICY_*). SIGTERM stops accepting requests, ends subscriptions and exits.
`,
  async start(config, logger) {
    const server = await startGraphqlServer(graphqlOptionsFromConfig(config, logger));
    return () => server.stop();
  },
});
