import { createServer } from 'node:net';
import { questdbTables, type Reading } from '../../../core/contracts';
import type { QuestdbPool } from '../../../core/questdb/questdb-sql';
import { serverFiles, readPid, isOurProcess } from '../../../deploy/stack/process-control';
import { startStack, type ServerName } from '../../../deploy/stack/stack';
import { loadStackOptions } from '../../../deploy/stack/stack-options';
import { startChildService, waitForHealth, type ChildService } from '../../../load-tests/child-service';
import { runFleet, type FleetRun } from '../../../load-tests/simulator/fleet-simulator';
import { meterIdLike, fleetMqtt, storedReadings, walApplied, type TestPipeline } from './test-services';
import { waitFor } from './wait-for';

/**
 * Fault injection on the real stack: kill -9 of a stack server (by the pid the stack keeps),
 * services as child processes that can be killed or stopped, a fleet whose event time is
 * fixed in the past, and the checks every fault test ends with: each reading exactly once in
 * `readings`, and the processors' rolling averages equal to a clean recomputation from the
 * stored raw readings.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const minute = 60_000;
export const hour = 3_600_000;
const stackLog = (line: string) => process.stderr.write(`[stack] ${line}\n`);
const serviceLog = process.env.MF_TEST_LOG ? (line: string) => process.stderr.write(`${line}\n`) : undefined;

/** The pid the stack keeps for one of its servers (MF_STACK_DIR), if that server runs. */
export function stackServerPid(name: ServerName): number | undefined {
  const files = serverFiles(loadStackOptions().stackDir, name);
  const pid = readPid(files.pidFile);
  return pid !== undefined && isOurProcess(pid, files.dir) ? pid : undefined;
}

/** kill -9 of a stack server: no shutdown hook runs, nothing is flushed. Resolves once the process is gone. */
export async function killStackServer(name: ServerName): Promise<number> {
  const pid = stackServerPid(name);
  if (pid === undefined) throw new Error(`${name} is not running in ${loadStackOptions().stackDir}`);
  process.kill(pid, 'SIGKILL');
  await waitFor(`${name} (pid ${pid}) gone`, async () => {
    try {
      process.kill(pid, 0);
      return !isOurProcess(pid, serverFiles(loadStackOptions().stackDir, name).dir);
    } catch {
      return true;
    }
  }, Boolean, 30_000, 50);
  stackLog(`${name}: killed with SIGKILL (pid ${pid})`);
  return pid;
}

/** Starts a stopped or killed stack server again (the stale pid file is removed by the stack). */
export async function restartStackServer(name: ServerName): Promise<void> {
  await startStack({ only: [name], log: stackLog });
}

/** A free TCP port on loopback, for a child service's /health. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Processor settings of the fault tests: two short sliding windows, lateness well above any reordering a fault causes. */
export const faultProcessorsEnv = {
  MF_ROLLING_WINDOWS: '15m/5m,1h/15m',
  MF_PROCESSORS_LATENESS_MS: String(20 * minute),
  MF_PROCESSORS_FLUSH_RECORDS: '2000',
  MF_PROCESSORS_FLUSH_INTERVAL_MS: '200',
  MF_PROCESSORS_CHECKPOINT_INTERVAL_MS: '1000',
  MF_GROUP_COMPARISON_INTERVAL_MS: '3600000',
  MF_LOG_LEVEL: 'warn',
};
export const faultWindows = [
  { name: '15m', sizeMs: 15 * minute, hopMs: 5 * minute },
  { name: '1h', sizeMs: hour, hopMs: 15 * minute },
];

export interface ServiceChild {
  child: ChildService;
  port: number;
  url: string;
}

/** One of the project's service CLIs as a child process of this run, healthy on a port of its own. */
export async function startServiceChild(name: 'sink' | 'processors' | 'bridge' | 'graphql', pipeline: TestPipeline, env: Record<string, string> = {}, port?: number): Promise<ServiceChild> {
  const script = { sink: 'processors/raw-readings-sink/cli.ts', processors: 'processors/cli.ts', bridge: 'bridge/cli.ts', graphql: 'graphql/cli.ts' }[name];
  const portVar = { sink: 'MF_SINK_HTTP_PORT', processors: 'MF_PROCESSORS_HTTP_PORT', bridge: 'MF_BRIDGE_HTTP_PORT', graphql: 'MF_GRAPHQL_PORT' }[name];
  const p = port ?? (await freePort());
  const child = startChildService(name, script, { MF_LOG_LEVEL: 'warn', ...pipeline.env, ...env, [portVar]: String(p) }, serviceLog);
  const url = `http://127.0.0.1:${p}`;
  await Promise.race([
    waitForHealth(`${url}/health`, 90_000),
    child.exited.then((code) => {
      throw new Error(`${name} exited with ${code} while starting`);
    }),
  ]);
  return { child, port: p, url };
}

/** kill -9 of a child service; resolves when it is gone. */
export async function killChild(service: ServiceChild): Promise<void> {
  service.child.process.kill('SIGKILL');
  await service.child.exited;
}

/** A metric of a child service's /metrics (0 when absent or unreachable). */
export async function childMetric(service: ServiceChild, series: string): Promise<number> {
  try {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const line of text.split('\n')) if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  } catch {
    // restarting
  }
  return 0;
}

/** Event time of a fault test's fleet: whole hours in the past, so ticks that close every window are in the past too. */
export function pastHour(hoursAgo: number): number {
  return Math.floor(Date.now() / hour) * hour - hoursAgo * hour;
}

export interface FaultFleet {
  run: FleetRun;
  prefix: string;
  total: number;
  startTs: number;
  lastTs: number;
}

/** The simulated water fleet over MQTT (QoS 1), one reading every `intervalMs` of event time per meter. */
export async function startFaultFleet(pipeline: TestPipeline, options: { prefix: string; meters: number; perMeter: number; ratePerSecond: number; seed: number; startTs?: number; intervalMs?: number }): Promise<FaultFleet> {
  const intervalMs = options.intervalMs ?? 10_000;
  const startTs = options.startTs ?? pastHour(10);
  const run = await runFleet({
    mqtt: fleetMqtt(pipeline),
    meters: options.meters,
    profile: 'water',
    prefix: options.prefix,
    sectors: 3,
    intervalMs,
    readingsPerMeter: options.perMeter,
    ratePerSecond: options.ratePerSecond,
    batchSize: 1,
    maxInFlight: 200,
    seed: options.seed,
    startTs,
  });
  return { run, prefix: options.prefix, total: options.meters * options.perMeter, startTs, lastTs: startTs + (options.perMeter - 1) * intervalMs };
}

/**
 * Readings on 60 extra meters far enough after `lastTs` to push every partition's watermark
 * past every window of the run (they are not part of the checked meters' prefix).
 */
export async function sendTicks(pipeline: TestPipeline, tickPrefix: string, lastTs: number): Promise<void> {
  const producer = await pipeline.kafka.createProducer();
  try {
    await pipeline.kafka.ensureTopics([pipeline.topics.readings]);
    const ts = lastTs + Number(faultProcessorsEnv.MF_PROCESSORS_LATENESS_MS) + 2 * hour;
    const ticks: Reading[] = Array.from({ length: 60 }, (_, k) => ({ meterId: `${tickPrefix}-${k}`, kind: 'water', ts, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: `${tickPrefix}`, receivedAt: ts }));
    await producer.sendBatch(ticks.map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
  } finally {
    await producer.disconnect();
  }
}

/** Waits until every reading of `prefix` is in QuestDB, then returns the final figures (rows and distinct (meter, ts) pairs). */
export async function settledReadings(pipeline: TestPipeline, prefix: string, total: number, timeoutMs = 180_000): Promise<{ n: number; pairs: number }> {
  const count = () => storedReadings(pipeline, prefix);
  await waitFor(`all ${total} readings of ${prefix} in QuestDB`, count, (c) => c.pairs >= total, timeoutMs, 500);
  await waitFor('WAL applied on readings', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean, 60_000);
  return count();
}

interface WindowFigures {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The per-meter sliding windows recomputed from the raw readings stored in QuestDB (the clean
 * recomputation), against what the rolling-averages processor wrote. Keys: `meter|window|end`.
 */
export async function rollingAveragesDiff(questdb: QuestdbPool, prefix: string, windows = faultWindows): Promise<{ expected: number; actual: number; missing: string[]; extra: string[]; differing: string[] }> {
  const { rows: raw } = await questdb.query<{ meter_id: string; ts: Date; value: number | null }>(`SELECT meter_id, ts, value FROM readings WHERE ${meterIdLike}`, [`${prefix}-%`]);
  const expected = new Map<string, WindowFigures>();
  for (const spec of windows) {
    // hop bucket start → figures, per meter
    const buckets = new Map<string, Map<number, WindowFigures>>();
    for (const r of raw) {
      if (r.value === null) continue;
      const perMeter = buckets.get(r.meter_id) ?? new Map<number, WindowFigures>();
      buckets.set(r.meter_id, perMeter);
      const start = Math.floor(r.ts.getTime() / spec.hopMs) * spec.hopMs;
      const b = perMeter.get(start);
      if (!b) perMeter.set(start, { count: 1, sum: r.value, min: r.value, max: r.value });
      else {
        b.count += 1;
        b.sum += r.value;
        b.min = Math.min(b.min, r.value);
        b.max = Math.max(b.max, r.value);
      }
    }
    for (const [meter, perMeter] of buckets) {
      const ends = new Set<number>();
      for (const start of perMeter.keys()) for (let end = start + spec.hopMs; end <= start + spec.sizeMs; end += spec.hopMs) ends.add(end);
      for (const end of ends) {
        let w: WindowFigures | null = null;
        for (let s = end - spec.sizeMs; s < end; s += spec.hopMs) {
          const b = perMeter.get(s);
          if (!b) continue;
          w = w ? { count: w.count + b.count, sum: w.sum + b.sum, min: Math.min(w.min, b.min), max: Math.max(w.max, b.max) } : { ...b };
        }
        if (w) expected.set(`${meter}|${spec.name}|${end}`, w);
      }
    }
  }
  const { rows: out } = await questdb.query<{ meter_id: string; window_size: string; ts: Date; count: string; sum: number; min: number; max: number }>(
    `SELECT meter_id, window_size, ts, count, sum, min, max FROM rolling_averages WHERE ${meterIdLike}`,
    [`${prefix}-%`],
  );
  const actual = new Map<string, WindowFigures>();
  for (const r of out) {
    if (!windows.some((w) => w.name === r.window_size)) continue;
    actual.set(`${r.meter_id}|${r.window_size}|${r.ts.getTime()}`, { count: Number(r.count), sum: r.sum, min: r.min, max: r.max });
  }
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const missing: string[] = [];
  const differing: string[] = [];
  for (const [key, e] of expected) {
    const a = actual.get(key);
    if (!a) missing.push(key);
    else if (a.count !== e.count || !close(a.sum, e.sum) || !close(a.min, e.min) || !close(a.max, e.max)) differing.push(`${key}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
  }
  const extra = [...actual.keys()].filter((key) => !expected.has(key));
  return { expected: expected.size, actual: actual.size, missing, extra, differing };
}

/** Readings of `prefix` that some processor reported late (they then miss windows already emitted). */
export async function lateReadings(questdb: QuestdbPool, prefix: string): Promise<number> {
  const { rows } = await questdb.query<{ n: string }>(`SELECT count() n FROM late_readings WHERE ${meterIdLike}`, [`${prefix}-%`]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Waits until the rolling-averages group has consumed everything and its rows are applied,
 * then until the table holds as many windows as the recomputation expects.
 */
export async function settledRollingAverages(pipeline: TestPipeline, groupPrefix: string, prefix: string, timeoutMs = 180_000): Promise<Awaited<ReturnType<typeof rollingAveragesDiff>>> {
  await waitFor(`group ${groupPrefix}.rolling-averages caught up`, () => pipeline.kafka.groupLag(`${groupPrefix}.rolling-averages`, pipeline.topics.readings.name), (lag) => lag === 0, timeoutMs, 500);
  await waitFor('WAL applied on rolling_averages', () => walApplied(pipeline.questdb, questdbTables.rollingAverages.name), Boolean, 60_000);
  return waitFor('every recomputed window written', () => rollingAveragesDiff(pipeline.questdb, prefix), (d) => d.missing.length === 0 || d.differing.length > 0 || d.extra.length > 0, 60_000, 1000);
}
