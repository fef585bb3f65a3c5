import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { createIlpWriter } from '../core/questdb/ilp-writer';
import { questdbTables } from '../core/contracts';
import { createQuestdbPool, ensureTables, type QuestdbPool } from '../core/questdb/questdb-sql';
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
  { name: 'scenarios', kind: 'string', default: 'A,B', description: 'scenarios to drive with autocannon, comma-separated (A, B; empty = none)' },
  { name: 'serial', kind: 'int', default: '300', description: 'sequential requests of A and of { apiVersion } (one client, p50/p99 latency); 0 = skip' },
  { name: 'rate', kind: 'int', default: '300', description: 'constant arrival rate of A in req/s (open model: latency counted from the scheduled send); 0 = skip' },
  { name: 'rate-duration', kind: 'int', default: '20', description: 'seconds of the constant-arrival-rate run' },
  { name: 'sql-alone', kind: 'bool', default: 'true', description: "run A's SQL straight on QuestDB at every --connections value" },
  { name: 'cpu-prof', kind: 'string', default: '', description: 'directory: the server runs under node --cpu-prof and writes its profile there when it stops' },
  { name: 'node-env', kind: 'string', default: 'production', description: "NODE_ENV of the server (the image sets production; graphql-js checks every instanceof twice in any other mode)" },
  { name: 'server-script', kind: 'string', default: 'graphql/cli.ts', description: "the server's entry, relative to the repository root (another checkout's, to compare two versions under one bench and one stack)" },
  { name: 'port', kind: 'int', default: '18194', description: 'port of the GraphQL server the bench starts' },
  { name: 'verbose', kind: 'bool', description: "print the GraphQL server's log" },
];

const help: CommandHelp = {
  summary: 'GraphQL read benchmark: req/s and latency of the API over seeded QuestDB rows, with autocannon.',
  usage: '[flags]',
  description: `
GraphQL read benchmark: seeds readings of bench meters straight into QuestDB over ILP (once:
the rows have fixed timestamps and DEDUP keys, so a rerun writes nothing new), starts the
GraphQL server as its own process (meterflow graphql) and drives it with autocannon from this
one. Scenario A "meter dashboard": readingSeries of one meter (a different one per request),
24 h in 15-minute AVG buckets. Scenario B "fleet": fleetStats of a sector (50 meters) over 24 h.
Each runs at every --connections value for --duration s; then the same series SQL is run
straight on QuestDB at the same concurrency, to separate database time from API time. Before
those: A serially (--serial, with { apiVersion } as yoga's floor and A's SQL alone serially) and
at a constant arrival rate (--rate, open model). Every row has the server's CPU ms per request
(docs/graphql-performance.md). Starts
(or reuses) the local stack. Not a test: it measures.`,
  flags,
  environment: 'MF_STACK_DIR and the stack ports; the server reads MF_GRAPHQL_*.',
  examples: ['meterflow bench graphql --scenarios A --connections 50 --cache-ttl 0'],
};

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
  /** The server process's CPU time (user + system) per request in ms; robust to other load on the machine. */
  cpuMsPerReq?: number;
}

/** user + system CPU of a process in ms, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks (100/s on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
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

const quantile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function post(url: string, body: string): Promise<boolean> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ApiKey ${apiKey}` }, body });
  const json = (await res.json()) as { errors?: unknown; data?: unknown };
  return res.ok && !json.errors && Boolean(json.data);
}

/** One client, one request at a time: the latency a dashboard sees on an idle server. */
async function serial(url: string, count: number, body: () => string) {
  const latencies: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i += 1) {
    const t = performance.now();
    if (!(await post(url, body()))) errors += 1;
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  const seconds = latencies.reduce((a, b) => a + b, 0) / 1000;
  return { reqPerS: count / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors, requests: count };
}

/**
 * Open model: a request is due every 1/rate s whether or not earlier ones have answered, and
 * its latency counts from when it was due (not from when it was sent), so a stalled server
 * shows as queueing instead of as fewer, faster requests (coordinated omission).
 */
async function constantRate(url: string, rate: number, seconds: number, body: () => string) {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const total = rate * seconds;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      post(url, body()).then(
        (ok) => {
          if (!ok) errors += 1;
          latencies.push(performance.now() - due);
        },
        () => {
          errors += 1;
          latencies.push(performance.now() - due);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { reqPerS: total / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors, requests: total };
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

async function main({ flags: args }: CommandArgs) {
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const port = args.port as number;
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
  // A fresh stack has no tables yet: ILP would create readings with guessed column types.
  await ensureTables(pool, [questdbTables.readings]);
  await seed(pool, config.string('MF_QUESTDB_HTTP_URL'), meters, from, hours, say);

  const rows: Row[] = [];
  const ttls = String(args['cache-ttl']).split(',').map((t) => Number(t.trim()));
  try {
    for (const ttl of ttls) {
      const env: Record<string, string> = {
        MF_GRAPHQL_PORT: String(port),
        MF_GRAPHQL_API_KEYS: `bench:analyst=${apiKey}`,
        MF_GRAPHQL_RATE_LIMIT: '0',
        // What production mode switches on for a request (no GraphiQL, no introspection, an
        // explicit key), without its secret check: the local stack's QuestDB password is the
        // documented development one, which production mode refuses.
        MF_GRAPHQL_MODE: 'development',
        MF_GRAPHQL_GRAPHIQL: 'false',
        MF_GRAPHQL_INTROSPECTION: 'false',
        NODE_ENV: String(args['node-env']),
        MF_GRAPHQL_CACHE_TTL_MS: String(ttl),
        MF_LOG_LEVEL: args.verbose ? 'info' : 'warn',
        MF_KAFKA_TOPIC_PREFIX: `${prefix}.`,
      };
      const child = startChildService('graphql', String(args['server-script']), env, args.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined, args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${String(args['cpu-prof'])}`] : []);
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
        const measured = async <T extends { requests: number }>(run: () => Promise<T>): Promise<T & { cpuMsPerReq: number }> => {
          const cpu0 = processCpuMs(child.process.pid);
          const r = await run();
          return { ...r, cpuMsPerReq: (processCpuMs(child.process.pid) - cpu0) / r.requests };
        };
        const cacheLabel = ttl > 0 ? `cache ${ttl} ms` : 'no cache';
        const serialCount = args.serial as number;
        if (serialCount > 0) {
          say(`serial: ${serialCount} sequential requests of A, then of { apiVersion }`);
          // Warm-up outside the measurement (JIT, pg connections, the meter directory snapshot).
          for (let i = 0; i < 50; i += 1) await post(url, scenarios[0]![1]());
          const a = await measured(() => serial(url, serialCount, scenarios[0]![1]));
          rows.push({ scenario: `A serial, one client (${cacheLabel})`, connections: 1, ...a });
          const floor = await measured(() => serial(url, serialCount, () => JSON.stringify({ query: '{ apiVersion }' })));
          rows.push({ scenario: `{ apiVersion } serial, one client (yoga's floor)`, connections: 1, ...floor });
        }
        const rate = args.rate as number;
        if (rate > 0) {
          say(`constant arrival rate: A at ${rate} req/s for ${args['rate-duration']} s`);
          const r = await measured(() => constantRate(url, rate, args['rate-duration'] as number, scenarios[0]![1]));
          rows.push({ scenario: `A at a constant ${rate} req/s (open model, ${cacheLabel})`, connections: 0, ...r });
        }
        const chosen = String(args.scenarios).split(',').map((x) => x.trim()).filter(Boolean);
        for (const [name, body] of scenarios.filter(([name]) => chosen.includes(name[0]!))) {
          for (const c of connections) {
            say(`${name} at ${c} connections for ${duration} s`);
            const cpu0 = processCpuMs(child.process.pid);
            const r = await cannon(url, c, duration, body);
            const cpuMsPerReq = (processCpuMs(child.process.pid) - cpu0) / r.requests.total;
            rows.push({ scenario: name, connections: c, reqPerS: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, requests: r.requests.total, cpuMsPerReq });
          }
        }
      } finally {
        await child.stop();
      }
    }
    if ((args.serial as number) > 0) {
      say('series SQL alone, serially');
      const s = await sqlOnly(pool, meters, from, from + 24 * 3_600_000, 1, Math.max(3, Math.round(duration / 2)));
      rows.push({ scenario: `A's SQL alone, serial`, connections: 1, reqPerS: s.reqPerS, p50: s.p50, p99: s.p99, errors: 0, requests: s.requests });
    }
    for (const c of args['sql-alone'] ? connections : []) {
      say(`series SQL alone at ${c} callers on a pool of ${poolSize}`);
      const s = await sqlOnly(pool, meters, from, from + 24 * 3_600_000, c, duration);
      rows.push({ scenario: `A's SQL alone (pg pool ${poolSize})`, connections: c, reqPerS: s.reqPerS, p50: s.p50, p99: s.p99, errors: 0, requests: s.requests });
    }
  } finally {
    await pool.end();
  }
  const out = [
    `| scenario | connections | req/s | p50 ms | p99 ms | errors + non-2xx | requests | server CPU ms/req |`,
    `|---|---|---|---|---|---|---|---|`,
    ...rows.map((r) => `| ${r.scenario} | ${r.connections || '(open)'} | ${Math.round(r.reqPerS)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.requests} | ${r.cpuMsPerReq === undefined ? '' : r.cpuMsPerReq.toFixed(2)} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n\n`);
  for (const target of rows.filter((r) => r.scenario.startsWith('A meter') && r.connections === 200)) {
    process.stdout.write(`target p99 <= 50 ms for the meter query at 200 clients (${target.scenario}): ${target.p99 <= 50 ? 'met' : 'not met'} (p99 ${target.p99.toFixed(1)} ms)\n`);
  }
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('bench graphql', command);
