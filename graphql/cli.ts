import { runService } from '../core/cli';
import { questdbPgFromConfig } from '../processors/raw-readings-sink/sink-options';
import { startGraphqlServer } from './server';

runService('graphql', {
  usage: `
meterflow GraphQL API over QuestDB.

Usage: npm run graphql            (or: node dist/graphql/cli.js)

Serves POST/GET /graphql (GraphiQL in a browser when MF_GRAPHQL_GRAPHIQL=true) and /health
on MF_GRAPHQL_PORT (default 4000); reads QuestDB over PG wire (MF_QUESTDB_PG_*).
See the README's configuration table. SIGTERM closes the server.
`,
  async start(config, logger) {
    const server = await startGraphqlServer({
      port: config.int('MF_GRAPHQL_PORT'),
      questdb: questdbPgFromConfig(config),
      maxRows: config.int('MF_GRAPHQL_MAX_ROWS'),
      graphiql: config.bool('MF_GRAPHQL_GRAPHIQL'),
      logger,
    });
    return () => server.stop();
  },
});
