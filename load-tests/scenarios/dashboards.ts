import type { LoadTest } from '../runner/load-test';
import { createGraphqlVu } from '../vus/graphql-vu';
import { createIngestRun } from '../vus/ingest-run';
import { scenarioParams } from '../vus/scenario-params';

/**
 * dashboards: the GraphQL query mix of load-tests/vus/query-mix.ts (meter detail series,
 * register, rolling averages, raw readings, sector rollups, fleet stats, top consumers,
 * alerts) at a constant arrival rate, while ingest runs side by side. The GraphQL VUs ask
 * about the meters the ingest VUs have had acknowledged (unless MF_LOAD_GRAPHQL_METERS names
 * others). The API limits each key (MF_GRAPHQL_RATE_LIMIT, 1200/min = 20 req/s) and answers
 * 429 beyond it, counted as errors: raise the limit on the API under test, or measure at or
 * below it.
 * Needs a GraphQL server (npm run graphql, MF_LOAD_GRAPHQL_URL); the local stack does not start one.
 *
 * Env: MF_LOAD_GRAPHQL_RATE (req/s, 50), MF_LOAD_GRAPHQL_VUS (20; up to 4×), MF_LOAD_RATE
 * (ingest readings/s, 500; 0 = no ingest), MF_LOAD_VUS (ingest, 100), MF_LOAD_DURATION (60s),
 * MF_LOAD_GRAPHQL_P99_MS (500; the target is 100 ms at a constant 300 req/s).
 */
export function build(env: Record<string, string | undefined>): LoadTest {
  const p = scenarioParams(env);
  const duration = p.duration('MF_LOAD_DURATION', '60s');
  const ingestRate = p.int('MF_LOAD_RATE', 500);
  const ingestVus = p.int('MF_LOAD_VUS', 100, 1, 100_000);
  const graphqlVus = p.int('MF_LOAD_GRAPHQL_VUS', 20, 1, 10_000);
  const scenarioEnv = { MF_LOAD_BATCH_SIZE: '1' };
  const run = createIngestRun({ maxVus: ingestRate > 0 ? ingestVus * 2 : 0, env: scenarioEnv });
  const test: LoadTest = {
    name: 'dashboards',
    description: 'GraphQL dashboard and integrator queries at a constant arrival rate while ingest runs.',
    options: {
      scenarios: {
        ...(ingestRate > 0
          ? { ingest: { executor: 'constant-arrival-rate' as const, exec: 'ingest', rate: ingestRate, timeUnit: '1s', duration, preAllocatedVUs: ingestVus, maxVUs: ingestVus * 2, env: scenarioEnv } }
          : {}),
        // Starts a little later: the first readings are in before the first dashboard opens.
        queries: { executor: 'constant-arrival-rate', exec: 'graphql', rate: p.int('MF_LOAD_GRAPHQL_RATE', 50, 1), timeUnit: '1s', duration, startTime: ingestRate > 0 ? '5s' : '0s', preAllocatedVUs: graphqlVus, maxVUs: graphqlVus * 4 },
      },
      thresholds: {
        graphql_req_duration: [`p(99)<${p.int('MF_LOAD_GRAPHQL_P99_MS', 500, 1)}`],
        'graphql_req_duration{query:meter-series-24h}': ['p(95)<250'],
        graphql_errors: ['rate<0.01'],
        checks: ['rate>0.99'],
        ...(ingestRate > 0 ? { readings_lost: ['count==0'], e2e_stored_latency: ['p(99)<1000'] } : {}),
      },
      tags: { test: 'dashboards' },
    },
    vus: {
      ingest: run.vu,
      graphql: (ctx) => createGraphqlVu(ctx, { meters: () => (ingestRate > 0 ? run.ledger.meterIds() : []) }),
    },
    setup: (ctx) => run.setup(ctx),
    teardown: async (ctx) => {
      await run.teardown(ctx); // also without ingest: closes the QuestDB pool setup opened
    },
  };
  return test;
}

export default build(process.env);
