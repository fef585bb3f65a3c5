import { questdbTables, type Reading } from '../../../core/contracts';
import type { QuestdbPool } from '../../../core/questdb/questdb-sql';
import type { ServerName } from '../../../deploy/stack/stack';
import { rollingAveragesDiff as rollingDiff, type OutputDiff } from '../../../load-tests/chaos/output-oracle';
import * as stackFaults from '../../../load-tests/chaos/stack-faults';
import { startChildService, waitForHealth, type ChildService } from '../../../deploy/child-service';
import { runFleet, type FleetRun } from '../../../load-tests/simulator/fleet-simulator';
import { meterIdLike, fleetMqtt, storedReadings, walApplied, type TestPipeline } from './test-services';
import { waitFor } from './wait-for';
import { readingsGroupId } from '../../../processors/topology';

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

export const { stackServerPid, freePort } = stackFaults;
/** kill -9 of a stack server by the pid the stack keeps; resolves once it is gone. */
export const killStackServer = (name: ServerName) => stackFaults.killStackServer(name, stackLog);
/** Starts a killed or stopped stack server again. */
export const restartStackServer = (name: ServerName) => stackFaults.restartStackServer(name, stackLog);
const serviceLog = process.env.MF_TEST_LOG ? (line: string) => process.stderr.write(`${line}\n`) : undefined;

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
export async function sendTicks(pipeline: TestPipeline, tickPrefix: string, lastTs: number, latenessMs = Number(faultProcessorsEnv.MF_PROCESSORS_LATENESS_MS)): Promise<void> {
  const producer = await pipeline.kafka.createProducer();
  try {
    await pipeline.kafka.ensureTopics([pipeline.topics.readings]);
    const ts = lastTs + latenessMs + 2 * hour;
    // Processors keep event time per meter: the fleet's meters close their last windows on the
    // partition's watermark once idle, i.e. once the receive clock is MF_PROCESSORS_KEY_IDLE_MS past
    // their readings' receive time (the bridge's wall clock, not their event time); the fleet's
    // readings are hours behind that clock (history), and such keys idle only after
    // MF_PROCESSORS_HISTORY_IDLE_MS (1 h).
    const tickReceivedAt = Math.max(ts, Date.now() + 2 * hour);
    const ticks: Reading[] = Array.from({ length: 60 }, (_, k) => ({ meterId: `${tickPrefix}-${k}`, kind: 'water', ts, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: `${tickPrefix}`, receivedAt: tickReceivedAt }));
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

/** The per-meter sliding windows recomputed from the stored raw readings, against what the processor wrote. */
export function rollingAveragesDiff(questdb: QuestdbPool, prefix: string): Promise<OutputDiff> {
  return rollingDiff(questdb, prefix, faultWindows);
}

/** Readings of `prefix` that some processor reported late (they then miss windows already emitted). */
export async function lateReadings(questdb: QuestdbPool, prefix: string): Promise<number> {
  const { rows } = await questdb.query<{ n: string }>(`SELECT count() n FROM late_readings WHERE ${meterIdLike}`, [`${prefix}-%`]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Waits until the readings topology's group has consumed everything and its rows are applied,
 * then until the table holds as many windows as the recomputation expects.
 */
export async function settledRollingAverages(pipeline: TestPipeline, groupPrefix: string, prefix: string, timeoutMs = 180_000): Promise<Awaited<ReturnType<typeof rollingAveragesDiff>>> {
  await waitFor(`group ${readingsGroupId(groupPrefix)} caught up`, () => pipeline.kafka.groupLag(readingsGroupId(groupPrefix), pipeline.topics.readings.name), (lag) => lag === 0, timeoutMs, 500);
  await waitFor('WAL applied on rolling_averages', () => walApplied(pipeline.questdb, questdbTables.rollingAverages.name), Boolean, 60_000);
  return waitFor('every recomputed window written', () => rollingAveragesDiff(pipeline.questdb, prefix), (d) => d.missing.length === 0 || d.differing.length > 0 || d.extra.length > 0, 60_000, 1000);
}
