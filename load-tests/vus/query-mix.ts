/**
 * The read traffic of the `dashboards` scenario: the GraphQL queries of docs/graphql-queries.md
 * (texts as test/integration/graphql-queries.test.ts checks them) standing for what the Grafana
 * dashboards of dashboards/ show and what integrators ask. Weights are relative shares: a meter
 * detail page (series + register + rolling averages) is opened far more often than fleet pages.
 */
export interface MixQuery {
  /** Tag value of `graphql_req_duration{query:<name>}` and `graphql_errors{query:<name>}`. */
  name: string;
  /** Which dashboard panel or integrator call it stands for. */
  standsFor: string;
  weight: number;
  text: string;
  /** Variables for one request. */
  variables(p: QueryParams): Record<string, unknown>;
}

export interface QueryParams {
  meterId: string;
  sector: string;
  /** Request time (ms): ranges end here. */
  now: number;
}

const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const last = (p: QueryParams, ms: number) => ({ f: iso(p.now - ms), t: iso(p.now) });

export const defaultQueryMix: readonly MixQuery[] = [
  {
    name: 'meter-series-24h',
    standsFor: 'Meter detail › Flow: one meter, 24 h in 15-min AVG buckets (the query of the GraphQL latency target: ≤ 4 ms serial, ≥ 600 req/s)',
    weight: 40,
    text: 'query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: MINUTE_15, aggregate: AVG) { ts value count } }',
    variables: (p) => ({ m: p.meterId, ...last(p, 24 * hour) }),
  },
  {
    name: 'meter-register-24h',
    standsFor: 'Meter detail › Register: last register per 15 min',
    weight: 15,
    text: 'query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: MINUTE_15, aggregate: LAST, of: REGISTER) { ts value } }',
    variables: (p) => ({ m: p.meterId, ...last(p, 24 * hour) }),
  },
  {
    name: 'meter-rolling-averages',
    standsFor: 'Meter detail › Rolling averages (15m windows, last 6 h)',
    weight: 10,
    text: 'query ($m: ID!, $f: DateTime!, $t: DateTime!) { rollingAverages(meterId: $m, window: "15m", from: $f, to: $t) { windowStart windowEnd count mean max } }',
    variables: (p) => ({ m: p.meterId, ...last(p, 6 * hour) }),
  },
  {
    name: 'meter-raw-readings',
    standsFor: 'Integrator: raw readings of one meter, last hour',
    weight: 10,
    text: 'query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t, limit: 1000) { ts value register } }',
    variables: (p) => ({ m: p.meterId, ...last(p, hour) }),
  },
  {
    name: 'sector-rollups-1h',
    standsFor: 'Fleet overview › Consumption: a sector\'s 1-min rollups, last hour',
    weight: 10,
    text: 'query ($s: ID, $f: DateTime!, $t: DateTime!) { rollups(scope: SECTOR, scopeId: $s, bucket: MINUTE_1, from: $f, to: $t) { ts count sum mean min max } }',
    variables: (p) => ({ s: p.sector, ...last(p, hour) }),
  },
  {
    name: 'fleet-stats-24h',
    standsFor: 'Fleet overview › sector statistics over 24 h',
    weight: 7,
    text: 'query ($s: String, $f: DateTime!, $t: DateTime!) { fleetStats(sector: $s, from: $f, to: $t) { meters readings consumption { unit amount meters } meanValue { unit amount } openAlerts } }',
    variables: (p) => ({ s: p.sector, ...last(p, 24 * hour) }),
  },
  {
    name: 'top-consumers-24h',
    standsFor: 'Fleet overview › top consumers of a sector',
    weight: 3,
    text: 'query ($s: String, $f: DateTime!, $t: DateTime!) { topConsumers(sector: $s, from: $f, to: $t, limit: 5) { meterId consumption unit } }',
    variables: (p) => ({ s: p.sector, ...last(p, 24 * hour) }),
  },
  {
    name: 'sector-alerts',
    standsFor: 'Leaks and alerts › timeline of a sector',
    weight: 5,
    text: 'query ($s: String) { alerts(filter: { sector: $s }, first: 100) { edges { node { id state ruleKind startedAt } } totalCount } }',
    variables: (p) => ({ s: p.sector }),
  },
];

export interface QueryPicker {
  /** A query by weight; `random` in [0, 1). */
  pick(random: number): MixQuery;
}

/** Weighted choice over a mix (cumulative weights, binary search); refuses an empty or weightless mix. */
export function createQueryPicker(mix: readonly MixQuery[]): QueryPicker {
  const positive = mix.filter((q) => q.weight > 0);
  if (positive.length === 0) throw new Error('the query mix needs at least one query with a positive weight');
  for (const q of mix) if (!Number.isFinite(q.weight) || q.weight < 0) throw new Error(`query "${q.name}": weight must be a finite number >= 0`);
  const total = positive.reduce((sum, q) => sum + q.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const q of positive) cumulative.push((acc += q.weight / total));
  return {
    pick(random) {
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (random < cumulative[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return positive[lo]!;
    },
  };
}
