import type { MetricSink } from '../runner/load-test';
import type { SqlQuery } from './e2e-probe';

export interface CountCheckOptions {
  query: SqlQuery;
  /** Which stored rows are the run's: meters whose id starts with `<prefix>-`, or an explicit id list. */
  meters: { prefix: string } | { ids: readonly string[] };
  /** Event-time range of the run's readings, epoch ms inclusive (earlier runs of the same meters stay out). */
  fromTs: number;
  toTs: number;
  /** Readings acknowledged by the broker, bad messages excluded. */
  published: number;
  metrics: MetricSink;
  /** Longest wait for the stored count to reach `published`. */
  settleTimeoutMs: number;
  /** The count is final once unchanged this long (and below published). @default 10000 */
  stableMs?: number;
  /** @default 1000 */
  pollMs?: number;
  log?: (line: string) => void;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CountCheckResult {
  published: number;
  /** Rows in `readings` for the run's meters and time range. */
  rows: number;
  /** Distinct (meter, ts) among them. */
  distinct: number;
  lost: number;
  doubled: number;
  /** Distinct rows beyond what was acknowledged (a publish that failed on our side but reached the broker). */
  extra: number;
  waitedMs: number;
  queries: number;
}

const idChunk = 500;

/**
 * The count check a scenario's teardown runs once every VU has closed: waits (bounded, with
 * progress lines) until the stored count of the run's readings reaches what was published or
 * stops growing, then records `readings_lost` = published − distinct (meter, ts) stored and
 * `readings_doubled` = rows − distinct into the metrics (both also when 0, so `count==0`
 * thresholds see a sample).
 */
export async function countCheck(options: CountCheckOptions): Promise<CountCheckResult> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const stableMs = options.stableMs ?? 10_000;
  const pollMs = options.pollMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const range = `ts >= cast(${options.fromTs * 1000} AS timestamp) AND ts <= cast(${options.toTs * 1000} AS timestamp)`;
  const filters =
    'prefix' in options.meters
      ? [`meter_id::string LIKE '${options.meters.prefix.replace(/'/g, "''")}-%'`] // ::string: QuestDB caches symbol LIKE plans (test/integration/support/test-services.ts)
      : chunks(options.meters.ids, idChunk).map((ids) => `meter_id IN (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`);
  let queries = 0;
  const count = async (): Promise<{ rows: number; distinct: number }> => {
    let rows = 0;
    let distinct = 0;
    for (const filter of filters) {
      queries += 1;
      const [row] = await options.query(`SELECT count() n, count_distinct(concat(meter_id, '@', cast(ts AS string))) pairs FROM readings WHERE ${filter} AND ${range}`);
      rows += Number(row?.n ?? 0);
      distinct += Number(row?.pairs ?? 0);
    }
    return { rows, distinct };
  };

  const began = clock();
  let last = await count();
  let lastChange = clock();
  let lastLog = 0;
  while (last.distinct < options.published && clock() - began < options.settleTimeoutMs && clock() - lastChange < stableMs) {
    if (clock() - lastLog >= 5000) {
      log(`count check: ${last.distinct} of ${options.published} published readings stored, waiting (at most ${Math.round((options.settleTimeoutMs - (clock() - began)) / 1000)} s more)`);
      lastLog = clock();
    }
    await sleep(pollMs);
    const next = await count();
    if (next.distinct !== last.distinct || next.rows !== last.rows) lastChange = clock();
    last = next;
  }
  const lost = Math.max(0, options.published - last.distinct);
  const doubled = Math.max(0, last.rows - last.distinct);
  const extra = Math.max(0, last.distinct - options.published);
  options.metrics.add('readings_lost', lost);
  options.metrics.add('readings_doubled', doubled);
  const result = { published: options.published, rows: last.rows, distinct: last.distinct, lost, doubled, extra, waitedMs: clock() - began, queries };
  log(`count check: published ${result.published}, stored ${result.distinct} distinct in ${result.rows} rows → lost ${lost}, doubled ${doubled}${extra ? `, ${extra} stored beyond the acknowledged` : ''} (${Math.round(result.waitedMs / 100) / 10} s, ${queries} queries)`);
  return result;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
