import autocannon from 'autocannon';
import { describeFlags, parseFlags, type FlagSpec } from '../core/cli-args';
import { loadConfig } from '../core/config';
import { createIlpWriter } from '../core/questdb/ilp-writer';
import { createQuestdbPool, type QuestdbPool } from '../core/questdb/questdb-sql';
import { startStack } from '../deploy/stack/stack';
import { readingSeriesSql } from '../graphql/schema/readings/bucket-sql';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import { startChildService, waitForHealth } from '../deploy/child-service';

const flags: FlagSpec[] = [
  { name: 'meters', kind: 'int', default: '200', description: 'bench meters (gbench-m0001...), 4 sectors' },
  { name: 'hours', kind: 'int', default: '24', description: 'hours of 1-minute readings per meter (the last full hours before today 00:00 UTC)' },
  { name: 'duration', kind: 'int', default: '10', description: 'seconds per scenario and connection count' },
  { name: 'connections', kind: 'string', default: '50,200', description: 'concurrent clients, comma-separated' },
  { name: 'cache-ttl', kind: 'string', default: '0,2000', description: 'MF_GRAPHQL_CACHE_TTL_MS values to run the scenarios with, comma-separated (0 = every request executes)' },
  { name: 'pg-pool', kind: 'int', default: '8', description: 'pg pool size of the SQL-alone run (the server\'s pool is createQuestdbPool\'s default, 8)' },
  { name: 'verbose', kind: 'bool', description: "print the GraphQL server's log" },
  { name: 'help', kind: 'bool', description: 'show this help' },
];

const usage = `
GraphQL read benchmark: seeds readings of bench meters straight into QuestDB over ILP (once:
the rows have fixed timestamps and DEDUP keys, so a rerun writes nothing new), starts the
GraphQL server as its own process (npm run graphql) and drives it with autocannon from this
one. Scenario A "meter dashboard": readingSeries of one meter (a different one per request),
24 h in 15-minute AVG buckets. Scenario B "fleet": fleetStats of a sector (50 meters) over 24 h.
Each runs at every --connections value for --duration s; then the same series SQL is run
straight on QuestDB at the same concurrency, to separate database time from API time. Starts
(or reuses) the local stack. Not a test: it measures.

Usage: npm run bench:graphql -- [flags]

${describeFlags(flags)}
`;

const port = 18194;
const apiKey = 'graphql-bench-key-0123456789abcdef';
const prefix = 'gbench';
const min = 60_000;

interface Row {
  scenario: string;
  connections: number;
  reqPerS: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

const meterId = (i: number) => `${prefix}-m${String(i + 1).padStart(4, '0')}`;
const sectorOf = (i: number) => `${prefix}-s${(i % 4) + 1}`;

/** Writes the bench readings unless QuestDB already has all of them. */
async function seed(pool: QuestdbPool, httpUrl: string, meters: number, from: number, hours: number, say: (s: string) => void) {
  const expected = meters * hours * 60;
  const count = async () =>
    Number((await pool.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id::string LIKE $1 AND ts >= $2 AND ts < $3`, [`${prefix}-m%`, new Date(from).toISOString(), new Date(from + hours * 3_600_000).toISOString()])).rows[0]!.n);
  if ((await count()) >= expected) return say(`seed: ${expected} readings already there`);
  say(`seed: writing ${expected} readings of ${meters} meters over ILP`);
  const ilp = await createIlpWriter(httpUrl);
  try {
    for (let m = 0; m < meters; m += 1) {
      let register = 1000 * m;
      for (let k = 0; k < hours * 60; k += 1) {
        // A daily shape plus a per-meter level: buckets and sums differ from meter to meter.
        const value = Math.round((1 + (m % 7) + 3 * Math.sin((k / (24 * 60)) * 2 * Math.PI)) * 1000) / 1000;
        register += Math.max(0, value);
        const ts = from + k * min;
        await ilp.row('readings', ts, (r) => {
          r.symbol('meter_id', meterId(m)).symbol('kind', 'water').symbol('sector', sectorOf(m)).symbol('value_unit', 'L/min').symbol('register_unit', 'L');
          r.floatColumn('value', value).floatColumn('register', register).intColumn('seq', k).timestampColumn('received_at', BigInt(ts) * 1000n, 'us');
        });
      }
      if (m % 20 === 19) await ilp.flush();
    }
    await ilp.flush();
  } finally {
    await ilp.close();
  }
  for (let i = 0; i < 600 && (await count()) < expected; i += 1) await new Promise((r) => setTimeout(r, 500));
  say(`seed: ${await count()} readings visible`);
}

function cannon(url: string, connections: number, duration: number, body: () => string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `ApiKey ${apiKey}` },
        // A new body per request: the meter (and so the query's data) changes every time.
        requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The series SQL alone on a pg pool of the server's size, `concurrency` callers in a loop. */
async function sqlOnly(pool: QuestdbPool, meters: number, from: number, to: number, concurrency: number, seconds: number) {
  const sql = readingSeriesSql('MINUTE_15', 'AVG', 'VALUE');
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await pool.query(sql, [meterId(i++ % meters), new Date(from).toISOString(), new Date(to).toISOString(), 'UTC']);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { reqPerS: latencies.length / seconds, p50: q(0.5), p99: q(0.99), requests: latencies.length };
}

async function main() {
  const args = parseFlags(process.argv.slice(2), flags);
  if (args.help) return void process.stdout.write(`${usage.trim()}\n`);
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const meters = args.meters as number;
  const hours = args.hours as number;
  const duration = args.duration as number;
  const connections = String(args.connections).split(',').map((s) => Number(s.trim()));
  await startStack({ log: args.verbose ? say : () => {} });
  const config = loadConfig(process.env);
  const poolSize = args['pg-pool'] as number;
  const pool = createQuestdbPool({ ...questdbPgFromConfig(config), max: poolSize });
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const from = today - hours * 3_600_000;
  await seed(pool, config.string('MF_QUESTDB_HTTP_URL'), meters, from, hours, say);

  const rows: Row[] = [];
  const ttls = String(args['cache-ttl']).split(',').map((t) => Number(t.trim()));
  try {
    for (const ttl of ttls) {
      const env: Record<string, string> = {
        MF_GRAPHQL_PORT: String(port),
        MF_GRAPHQL_API_KEYS: `bench:analyst=${apiKey}`,
        MF_GRAPHQL_RATE_LIMIT: '0',
        MF_GRAPHQL_MODE: 'production',
        MF_GRAPHQL_CACHE_TTL_MS: String(ttl),
        MF_LOG_LEVEL: args.verbose ? 'info' : 'warn',
        MF_KAFKA_TOPIC_PREFIX: `${prefix}.`,
      };
      const child = startChildService('graphql', 'graphql/cli.ts', env, args.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined);
      try {
        await waitForHealth(`http://127.0.0.1:${port}/health`);
        const url = `http://127.0.0.1:${port}/graphql`;
        const fromIso = new Date(from).toISOString();
        const toIso = new Date(from + 24 * 3_600_000).toISOString();
        let n = 0;
        const cache = ttl > 0 ? `, cache ${ttl} ms` : ', no cache';
        const scenarios: [string, () => string][] = [
          [
            `A meter dashboard (readingSeries 24 h, 15 min AVG${cache})`,
            () => JSON.stringify({ query: `query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: MINUTE_15, aggregate: AVG) { ts value count } }`, variables: { m: meterId(n++ % meters), f: fromIso, t: toIso } }),
          ],
          [
            `B fleet (fleetStats of a sector, 24 h${cache})`,
            () => JSON.stringify({ query: `query ($s: String, $f: DateTime!, $t: DateTime!) { fleetStats(sector: $s, from: $f, to: $t) { meters readings consumption { unit amount } meanValue { unit amount } openAlerts } }`, variables: { s: sectorOf(n++ % 4), f: fromIso, t: toIso } }),
          ],
        ];
        // Sanity: both answer with data, not errors, before measuring.
        for (const [name, body] of scenarios) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ApiKey ${apiKey}` }, body: body() });
          const json = (await res.json()) as { errors?: unknown; data?: Record<string, unknown> };
          if (json.errors || !json.data) throw new Error(`${name}: ${JSON.stringify(json)}`);
        }
        for (const [name, body] of scenarios) {
          for (const c of connections) {
            say(`${name} at ${c} connections for ${duration} s`);
            const r = await cannon(url, c, duration, body);
            rows.push({ scenario: name, connections: c, reqPerS: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, requests: r.requests.total });
          }
        }
      } finally {
        await child.stop();
      }
    }
    for (const c of connections) {
      say(`series SQL alone at ${c} callers on a pool of ${poolSize}`);
      const s = await sqlOnly(pool, meters, from, from + 24 * 3_600_000, c, duration);
      rows.push({ scenario: `A's SQL alone (pg pool ${poolSize})`, connections: c, reqPerS: s.reqPerS, p50: s.p50, p99: s.p99, errors: 0, requests: s.requests });
    }
  } finally {
    await pool.end();
  }
  const out = [
    `| scenario | connections | req/s | p50 ms | p99 ms | errors + non-2xx | requests |`,
    `|---|---|---|---|---|---|---|`,
    ...rows.map((r) => `| ${r.scenario} | ${r.connections} | ${Math.round(r.reqPerS)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.requests} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n\n`);
  for (const target of rows.filter((r) => r.scenario.startsWith('A meter') && r.connections === 200)) {
    process.stdout.write(`target p99 <= 50 ms for the meter query at 200 clients (${target.scenario}): ${target.p99 <= 50 ? 'met' : 'not met'} (p99 ${target.p99.toFixed(1)} ms)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-graphql failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
