import { loadConfig } from '../../../core/config';
import { createLogger, silentLogger } from '../../../core/logger';
import { graphqlOptionsFromConfig } from '../../../graphql/graphql-options';
import { startGraphqlServer, type GraphqlServer } from '../../../graphql/server';
import type { TestPipeline } from './test-services';

const testLogger = process.env.MF_TEST_LOG ? createLogger('test-graphql', { level: 'debug' }) : silentLogger;

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; [k: string]: unknown } }[];
}

export interface GraphqlHarness {
  server: GraphqlServer;
  url: string;
  /** API keys of this run, one per role; customers c1 and c2 are `<runId>-c1`, `<runId>-c2`. */
  keys: { admin: string; analyst: string; customer1: string; customer2: string };
  customerIds: { c1: string; c2: string };
  /** POSTs an operation with `Authorization: ApiKey <key>` (no header when key is null). */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphqlResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real GraphQL server (HTTP on a free port, Kafka, QuestDB) for one test pipeline, with
 * API keys of its own. `env` overrides settings (e.g. MF_POLICY_*).
 */
export async function startTestGraphql(pipeline: TestPipeline, env: Record<string, string> = {}): Promise<GraphqlHarness> {
  const keys = {
    admin: `${pipeline.runId}-admin-key-0123456789`,
    analyst: `${pipeline.runId}-analyst-key-0123456789`,
    customer1: `${pipeline.runId}-c1-key-0123456789`,
    customer2: `${pipeline.runId}-c2-key-0123456789`,
  };
  const customerIds = { c1: `${pipeline.runId}-c1`, c2: `${pipeline.runId}-c2` };
  const config = loadConfig({
    ...process.env,
    ...pipeline.env,
    MF_GRAPHQL_PORT: '0',
    MF_GRAPHQL_METER_CACHE_MS: '0',
    // Tests read what they just wrote; the response cache has a test of its own.
    MF_GRAPHQL_CACHE_TTL_MS: '0',
    MF_GRAPHQL_API_KEYS: [
      `admin:admin=${keys.admin}`,
      `analyst:analyst=${keys.analyst}`,
      `customer-1:customer:${customerIds.c1}=${keys.customer1}`,
      `customer-2:customer:${customerIds.c2}=${keys.customer2}`,
    ].join(','),
    ...env,
  });
  const server = await startGraphqlServer(graphqlOptionsFromConfig(config, testLogger.child('graphql')));
  return {
    server,
    url: server.url,
    keys,
    customerIds,
    async request<T>(query: string, variables: Record<string, unknown> = {}, key: string | null = keys.admin) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(key ? { authorization: `ApiKey ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphqlResponse<T>;
      return { ...body, status: response.status };
    },
    stop: () => server.stop(),
  };
}
