import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger';
import { createQuestdbPool, type QuestdbPgOptions } from '../core/questdb/questdb-sql';
import { createMeterflowYoga } from './yoga';

export interface GraphqlServerOptions {
  /** 0 picks a free port. @default 4000 */
  port: number;
  questdb: QuestdbPgOptions;
  /** @default 100000 */
  maxRows: number;
  /** @default true */
  graphiql: boolean;
  logger: Logger;
}

export interface GraphqlServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** GraphQL over HTTP at /graphql (GraphiQL on GET from a browser), /health from yoga. */
export async function startGraphqlServer(options: GraphqlServerOptions): Promise<GraphqlServer> {
  const pool = createQuestdbPool(options.questdb);
  const yoga = createMeterflowYoga({ questdb: pool, maxRows: options.maxRows, graphiql: options.graphiql, logger: options.logger });
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  options.logger.info('GraphQL listening', { url, graphiql: options.graphiql });
  return {
    url,
    port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await pool.end();
    },
  };
}
