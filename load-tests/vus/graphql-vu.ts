import { defaultSimulatedFleet } from '../../deploy/stack/meter-accounts';
import type { Vu, VuContext } from '../runner/load-test';
import { readLoadSettings, type LoadSettings } from './load-settings';
import { createQueryPicker, defaultQueryMix, type MixQuery } from './query-mix';

export interface GraphqlVuOptions {
  /** @default readLoadSettings(ctx.env) */
  settings?: LoadSettings;
  /** Meters of ingest VUs running in the same test (used when MF_LOAD_GRAPHQL_METERS is empty). */
  meters?: () => readonly string[];
  /** @default defaultQueryMix */
  mix?: readonly MixQuery[];
  /** A request without an answer for this long fails. @default 30000 */
  timeoutMs?: number;
  random?: () => number;
  clock?: () => number;
  fetch?: typeof fetch;
}

/**
 * One GraphQL VU: each iteration picks a query of the weighted mix (load-tests/vus/query-mix.ts),
 * POSTs it with the API key (`x-api-key`), and records `graphql_req_duration` (send → body read,
 * ms) and `graphql_errors` (Rate: true for a non-200, a body with `errors`, or no answer), both
 * tagged `query:<name>`, plus k6 checks `status is 200` and `no GraphQL errors`. Meter ids come
 * from MF_LOAD_GRAPHQL_METERS, else the test's ingest meters, else the demo fleet (sim-…).
 */
export async function createGraphqlVu(ctx: VuContext, options: GraphqlVuOptions = {}): Promise<Vu> {
  const settings = options.settings ?? readLoadSettings(ctx.env);
  const picker = createQueryPicker(options.mix ?? defaultQueryMix);
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const meters = () => {
    if (settings.graphql.meters.length > 0) return settings.graphql.meters;
    const ingest = options.meters?.() ?? [];
    return ingest.length > 0 ? ingest : defaultSimulatedFleet;
  };
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const controller = new AbortController();

  return {
    async iteration() {
      const query = picker.pick(random());
      const tags = { ...ctx.tags, query: query.name };
      const body = JSON.stringify({ query: query.text, variables: query.variables({ meterId: choose(meters()), sector: choose(settings.graphql.sectors), now: clock() }) });
      const began = clock();
      let status = 0;
      let errors: unknown[] | undefined;
      try {
        const response = await doFetch(settings.graphql.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': settings.graphql.apiKey },
          body,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
        });
        status = response.status;
        const text = await response.text();
        try {
          errors = (JSON.parse(text) as { errors?: unknown[] }).errors;
        } catch {
          errors = [{ message: `not JSON: ${text.slice(0, 100)}` }];
        }
      } catch (error) {
        errors = [{ message: (error as Error).message }];
      } finally {
        ctx.metrics.add('graphql_req_duration', clock() - began, tags);
      }
      const ok = ctx.check({ 'status is 200': status === 200, 'no GraphQL errors': errors === undefined || errors.length === 0 }, tags);
      ctx.metrics.add('graphql_errors', !ok, tags);
      if (!ok) throw new Error(`${query.name}: HTTP ${status}${errors?.length ? `, ${JSON.stringify(errors[0]).slice(0, 200)}` : ''}`);
    },
    async close() {
      controller.abort();
    },
  };
}
