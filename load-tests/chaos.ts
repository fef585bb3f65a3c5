import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { createKafkaTopics, questdbTables, type Reading } from '../core/contracts';
import { describeError } from '../core/errors';
import { createKafkaClient } from '../core/kafka';
import { silentLogger } from '../core/logger';
import { createQuestdbPool } from '../core/questdb/questdb-sql';
import type { ServerName } from '../deploy/stack/stack';
import { startStack, stopStack } from '../deploy/stack/stack';
import { repoRoot } from '../deploy/stack/stack-options';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import { rollingAveragesDiff, sectorRollupsDiff, type OutputDiff } from './chaos/output-oracle';
import { cleanRestartStackServer, freePort, killStackServer, restartStackServer, stackServerPid } from './chaos/stack-faults';
import { startChildService, waitForHealth, type ChildService } from '../deploy/child-service';
import { createRandom } from '../core/seeded-random';
import { runFleet } from './simulator/fleet-simulator';
import { readingsGroupId } from '../processors/topology';

const flags: FlagSpec[] = [
  { name: 'minutes', kind: 'int', default: '10', description: 'how long to publish and inject faults (wall-clock minutes)' },
  { name: 'meters', kind: 'int', default: '100', description: 'simulated water meters' },
  { name: 'rate', kind: 'int', default: '400', description: 'readings/s published over the whole fleet (one reading per MQTT message, QoS 1)' },
  { name: 'fault-every', kind: 'int', default: '40', description: 'seconds of publishing per round; one random fault per round' },
  { name: 'seed', kind: 'int', default: '1', description: 'seed of the fleet and of the fault schedule' },
  { name: 'keep-stack', kind: 'bool', description: 'leave the stack running at the end' },
  { name: 'verbose', kind: 'bool', description: "print the services' and the stack's logs on stderr" },
];

const help: CommandHelp = {
  summary: 'Chaos soak: the whole pipeline on a stack of its own, one random fault per round; counts lost and doubled readings.',
  usage: '[flags]',
  description: `
Chaos soak: runs the whole pipeline (bridge, raw-readings sink, two processor instances in one
group, GraphQL API) as child processes on a stack of its own, publishes a simulated fleet over
MQTT, and injects one random fault per round: kill -9 of the bridge, the sink, a processor,
the API (during a blockMeter, retried with the same idempotency key), QuestDB or Kafka;
SIGSTOP of a processor past its session timeout then SIGCONT; a Mosquitto restart with
messages queued. At the end it waits for everything to settle and prints readings published /
stored / lost / doubled and, per processor output, the differences against a recomputation
from the stored raw readings. Exit code 0 only when nothing is lost, doubled or different.

Not part of npm test. Progress goes to stderr, figures to stdout.

Stack: its own folder and ports unless MF_STACK_DIR is set (then the MF_*_PORT variables
apply as for \`meterflow stack\`): .stack-chaos, MQTT 38830/38831, Kafka 39092/39093,
QuestDB HTTP 39000, PG 38812, ILP 39009, health 39003. Jars are taken from .stack/lib when
that exists. The stack is stopped at the end unless --keep-stack.`,
  flags,
  environment: 'MF_STACK_DIR (default: a stack of its own, .stack-chaos) and the MF_*_PORT variables.',
  examples: ['meterflow chaos --minutes 10', 'meterflow chaos --minutes 2 --meters 20 --keep-stack'],
};

const chaosStack: Record<string, string> = {
  MF_STACK_DIR: '.stack-chaos',
  MF_MQTT_PORT: '38830',
  MF_MQTT_TLS_PORT: '38831',
  MF_KAFKA_PORT: '39092',
  MF_KAFKA_CONTROLLER_PORT: '39093',
  MF_QUESTDB_HTTP_PORT: '39000',
  MF_QUESTDB_PG_PORT: '38812',
  MF_QUESTDB_ILP_TCP_PORT: '39009',
  MF_QUESTDB_HEALTH_PORT: '39003',
};

const minute = 60_000;
const hour = 3_600_000;
const intervalMs = 10_000;
/** Lateness far above any reordering a fault causes (a Kafka restart holds readings back ~1 min of wall time). */
const latenessMs = 6 * hour;
const windows = [
  { name: '15m', sizeMs: 15 * minute, hopMs: 5 * minute },
  { name: '1h', sizeMs: hour, hopMs: 15 * minute },
];
const sessionTimeoutMs = 30_000; // kafkajs default; core/kafka sets none
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type ServiceName = 'bridge' | 'sink' | 'processors-a' | 'processors-b' | 'graphql';
interface Service {
  name: ServiceName;
  script: string;
  portVar: string;
  port: number;
  child: ChildService | null;
  stopped: boolean;
}

async function main({ flags: args }: CommandArgs) {
  const say = (line: string) => process.stderr.write(`chaos ${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const verbose = args.verbose === true;
  const minutes = args.minutes as number;
  const meters = args.meters as number;
  const rate = args.rate as number;
  const roundS = args['fault-every'] as number;
  if (meters < 1 || rate < 1 || roundS < 5) throw new Error('--meters and --rate must be at least 1, --fault-every at least 5');

  if (!process.env.MF_STACK_DIR) for (const [k, v] of Object.entries(chaosStack)) process.env[k] = v;
  const stackDir = path.resolve(repoRoot, process.env.MF_STACK_DIR!);
  mkdirSync(stackDir, { recursive: true });
  const sharedLib = path.join(repoRoot, '.stack', 'lib');
  if (!existsSync(path.join(stackDir, 'lib')) && existsSync(sharedLib)) symlinkSync(sharedLib, path.join(stackDir, 'lib'));
  const stackLog = verbose ? (line: string) => say(`[stack] ${line}`) : () => {};
  say(`starting the stack in ${path.relative(repoRoot, stackDir) || stackDir}`);
  const { started } = await startStack({ log: stackLog });

  const random = createRandom(args.seed as number);
  const runId = `chaos${randomUUID().slice(0, 6)}`;
  const prefix = runId;
  const group = `${runId}-proc`;
  const adminKey = `${runId}-admin-key-0123456789`;
  const env: Record<string, string> = {
    MF_KAFKA_TOPIC_PREFIX: `${runId}.`,
    MF_BRIDGE_ID: `${runId}-bridge`,
    MF_BRIDGE_SHARE_GROUP: runId,
    MF_BRIDGE_COMMAND_GROUP: `${runId}-commands`,
    MF_BRIDGE_SESSION_EXPIRY_S: '3600',
    MF_SINK_GROUP_ID: `${runId}-sink`,
    MF_PROCESSORS_GROUP_ID: group,
    MF_PROCESSORS_LATENESS_MS: String(latenessMs),
    MF_ROLLING_WINDOWS: windows.map((w) => `${w.sizeMs / minute >= 60 ? `${w.sizeMs / hour}h` : `${w.sizeMs / minute}m`}/${w.hopMs / minute}m`).join(','),
    MF_ROLLUP_BUCKETS: '1m,1h',
    MF_PROCESSORS_CHECKPOINT_INTERVAL_MS: '1000',
    MF_GROUP_COMPARISON_INTERVAL_MS: '3600000',
    MF_GRAPHQL_API_KEYS: `admin:admin=${adminKey}`,
    MF_GRAPHQL_METER_CACHE_MS: '0',
    MF_GRAPHQL_CACHE_TTL_MS: '0',
    MF_LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  const topics = createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS'));
  const kafka = createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: `${runId}-chaos`, logger: silentLogger });
  const questdb = createQuestdbPool({ ...questdbPgFromConfig(config), max: 2 });

  const services: Record<ServiceName, Service> = {
    bridge: { name: 'bridge', script: 'bridge/cli.ts', portVar: 'MF_BRIDGE_HTTP_PORT', port: await freePort(), child: null, stopped: false },
    sink: { name: 'sink', script: 'processors/raw-readings-sink/cli.ts', portVar: 'MF_SINK_HTTP_PORT', port: await freePort(), child: null, stopped: false },
    'processors-a': { name: 'processors-a', script: 'processors/cli.ts', portVar: 'MF_PROCESSORS_HTTP_PORT', port: await freePort(), child: null, stopped: false },
    'processors-b': { name: 'processors-b', script: 'processors/cli.ts', portVar: 'MF_PROCESSORS_HTTP_PORT', port: await freePort(), child: null, stopped: false },
    graphql: { name: 'graphql', script: 'graphql/cli.ts', portVar: 'MF_GRAPHQL_PORT', port: await freePort(), child: null, stopped: false },
  };
  const start = async (s: Service) => {
    s.child = startChildService(s.name, s.script, { ...env, [s.portVar]: String(s.port) }, verbose ? (line) => say(line) : undefined);
    s.stopped = false;
    await waitForHealth(`http://127.0.0.1:${s.port}/health`, 120_000);
  };
  const kill9 = async (s: Service) => {
    s.child?.process.kill('SIGKILL');
    await s.child?.exited;
  };
  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string }[] }> => {
    const response = await fetch(`http://127.0.0.1:${services.graphql.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `ApiKey ${adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string }[] };
  };

  say(`run ${runId}: ${meters} meters, ${rate} readings/s, ${minutes} min, one fault every ${roundS} s`);
  for (const s of Object.values(services)) await start(s);

  const figures = { published: 0, failed: 0, generated: 0 };
  const faultsDone: Record<string, number> = {};
  const graphqlChecks = { retries: 0, sameCommand: 0 };
  // Event time: a random day 30-330 days back, so no earlier run's sectors overlap it.
  const startTs = Math.floor(Date.now() / hour) * hour - (30 + Math.floor(random() * 300)) * 24 * hour;
  const perRound = Math.max(1, Math.round((roundS * rate) / meters));
  const rounds = Math.max(1, Math.round((minutes * 60) / roundS));

  const stackFault = (server: ServerName) => async () => {
    await killStackServer(server, stackLog);
    await sleep(2_000 + random() * 3_000);
    await restartStackServer(server, stackLog);
  };
  const serviceKill = (name: ServiceName) => async () => {
    await kill9(services[name]);
    await sleep(500 + random() * 2_000);
    await start(services[name]);
  };
  const faults: Record<string, (meterIds: string[]) => Promise<void>> = {
    'kill -9 bridge': serviceKill('bridge'),
    'kill -9 sink': serviceKill('sink'),
    'kill -9 processors': async () => serviceKill(random() < 0.5 ? 'processors-a' : 'processors-b')(),
    'SIGSTOP processors': async () => {
      const s = services[random() < 0.5 ? 'processors-a' : 'processors-b'];
      s.child!.process.kill('SIGSTOP');
      s.stopped = true;
      await sleep(sessionTimeoutMs + 5_000 + random() * 10_000);
      s.child!.process.kill('SIGCONT');
      s.stopped = false;
    },
    'kill -9 graphql during blockMeter': async (meterIds) => {
      const meterId = meterIds[Math.floor(random() * meterIds.length)]!;
      const key = `${runId}-${randomUUID().slice(0, 8)}`;
      const mutation = `mutation ($m: ID!, $k: String) { blockMeter(meterId: $m, reason: DEBT, waitMs: 0, idempotencyKey: $k) { id } }`;
      const first = gql<{ blockMeter: { id: string } }>(mutation, { m: meterId, k: key }).catch(() => null);
      await sleep(random() * 300);
      await kill9(services.graphql);
      const firstAnswer = await first;
      await start(services.graphql);
      const retried = await gql<{ blockMeter: { id: string } }>(mutation, { m: meterId, k: key }).catch(() => null);
      graphqlChecks.retries += 1;
      const firstId = firstAnswer?.data?.blockMeter?.id;
      const retriedId = retried?.data?.blockMeter?.id;
      if (retriedId && (firstId === undefined || firstId === retriedId)) graphqlChecks.sameCommand += 1;
      else say(`graphql retry: first ${JSON.stringify(firstAnswer)}, retry ${JSON.stringify(retried)}`);
    },
    'kill -9 questdb': stackFault('questdb'),
    'kill -9 kafka': stackFault('kafka'),
  };
  const names = Object.keys(faults);
  const deadline = Date.now() + minutes * minute;

  for (let round = 0; round < rounds && Date.now() < deadline; round += 1) {
    // Each round has its own event-time slot: its readings, then 5 steps for those queued during a Mosquitto restart.
    const roundStart = startTs + round * (perRound + 5) * intervalMs;
    const fleet = await runFleet({
      mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_FLEET_USERNAME'), password: config.string('MF_MQTT_FLEET_PASSWORD') },
      meters,
      profile: 'water',
      prefix,
      sectors: 4,
      intervalMs,
      readingsPerMeter: perRound,
      ratePerSecond: rate,
      batchSize: 1,
      maxInFlight: 200,
      seed: (args.seed as number) * 1000 + round,
      startTs: roundStart,
    });
    figures.generated += perRound * meters;
    // One fault in the round, at a random moment; every fourth round ends with a Mosquitto restart instead.
    const mosquittoRound = round % 4 === 3;
    let fault = 'none';
    if (!mosquittoRound) {
      fault = names[Math.floor(random() * names.length)]!;
      await sleep((0.2 + random() * 0.5) * roundS * 1000);
      say(`round ${round + 1}/${rounds}: ${fault}`);
      try {
        await faults[fault]!(fleet.meterIds);
      } catch (error) {
        say(`fault ${fault} failed: ${describeError(error)}`);
      }
      faultsDone[fault] = (faultsDone[fault] ?? 0) + 1;
    }
    const done = await fleet.done;
    figures.published += done.published;
    figures.failed += done.failed;
    if (mosquittoRound) {
      say(`round ${round + 1}/${rounds}: Mosquitto restart (clean, persistence on) with the bridge away`);
      await services.bridge.child!.stop();
      // Queue a few seconds' worth for the absent bridge, then restart the broker under it.
      const queued = await runFleet({
        mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_FLEET_USERNAME'), password: config.string('MF_MQTT_FLEET_PASSWORD') },
        meters,
        profile: 'water',
        prefix,
        sectors: 4,
        intervalMs,
        readingsPerMeter: 5,
        ratePerSecond: rate,
        batchSize: 1,
        maxInFlight: 200,
        seed: (args.seed as number) * 1000 + round + 500,
        startTs: roundStart + perRound * intervalMs,
      }).then((f) => f.done);
      figures.published += queued.published;
      figures.failed += queued.failed;
      try {
        await cleanRestartStackServer('mosquitto', stackLog);
      } catch (error) {
        say(`Mosquitto restart failed: ${describeError(error)}`);
      }
      await start(services.bridge);
      faultsDone['restart mosquitto (messages queued)'] = (faultsDone['restart mosquitto (messages queued)'] ?? 0) + 1;
    }
    say(`round ${round + 1}: published ${figures.published} so far (${figures.failed} publish failures)`);
  }

  // Settle: every server and service up, everything stored, every window closed.
  for (const server of ['mosquitto', 'kafka', 'questdb'] as const) if (stackServerPid(server) === undefined) await restartStackServer(server, stackLog);
  for (const s of Object.values(services)) {
    if (s.stopped) s.child?.process.kill('SIGCONT');
    if (s.child?.process.exitCode !== null) await start(s);
  }
  say('publishing done; waiting for every reading to be stored');
  const stored = async () => {
    const { rows } = await questdb.query<{ n: string; pairs: string }>(`SELECT count() n, count_distinct(concat(meter_id, '@', cast(ts AS string))) pairs FROM readings WHERE meter_id::string LIKE $1`, [`${prefix}-%`]);
    return { n: Number(rows[0]!.n), pairs: Number(rows[0]!.pairs) };
  };
  const walApplied = async (table: string) => {
    const { rows } = await questdb.query<{ writerTxn: string; sequencerTxn: string }>(`SELECT writerTxn, sequencerTxn FROM wal_tables() WHERE name = $1`, [table]);
    return rows[0] !== undefined && String(rows[0].writerTxn) === String(rows[0].sequencerTxn);
  };
  const until = async (what: string, probe: () => Promise<boolean>, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await probe()) return true;
      } catch {
        // a server may still be recovering
      }
      if (Date.now() > end) {
        say(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
        return false;
      }
      await sleep(1000);
    }
  };
  let last = { n: 0, pairs: 0 };
  await until('all readings stored', async () => {
    last = await stored();
    return last.pairs >= figures.published;
  }, 5 * minute);
  await sleep(2_000);
  await until('WAL applied on readings', () => walApplied(questdbTables.readings.name), minute);
  const final = await stored();

  const lastTs = startTs + rounds * (perRound + 5) * intervalMs;
  const producer = await kafka.createProducer();
  const tickTs = lastTs + latenessMs + 2 * hour;
  // Processors keep event time per meter: the fleet's meters close their last windows on the
  // partition's watermark once idle, i.e. once the receive clock is MF_PROCESSORS_KEY_IDLE_MS past
  // their readings' receive time (the bridge's wall clock, not their event time).
  const tickReceivedAt = Math.max(tickTs, Date.now() + 10 * 60_000);
  const ticks: Reading[] = Array.from({ length: 60 }, (_, k) => ({ meterId: `${runId}tick-${k}`, kind: 'water', ts: tickTs, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: `${runId}-tick`, receivedAt: tickReceivedAt }));
  await producer.sendBatch(ticks.map((r) => ({ topic: topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
  await producer.disconnect();
  say('waiting for the processors to catch up');
  await until('processors caught up', async () => (await kafka.groupLag(readingsGroupId(group), topics.readings.name)) === 0, 5 * minute);
  for (const table of [questdbTables.rollingAverages.name, questdbTables.rollups.name]) await until(`WAL applied on ${table}`, () => walApplied(table), minute);
  await sleep(3_000);

  const rolling = await rollingAveragesDiff(questdb, prefix, windows);
  const rollups = await sectorRollupsDiff(questdb, prefix, startTs, lastTs + 2 * hour, [
    { name: '1m', sampleBy: '1m' },
    { name: '1h', sampleBy: '1h' },
  ]);
  const { rows: lateRows } = await questdb.query<{ processor: string; n: string }>(`SELECT processor, count() n FROM late_readings WHERE meter_id::string LIKE $1 GROUP BY processor`, [`${prefix}-%`]);
  const { rows: outputs } = await questdb.query<{ n: string }>(`SELECT count() n FROM invoices WHERE meter_id::string LIKE $1`, [`${prefix}-%`]);

  const lost = Math.max(0, figures.published - final.pairs);
  const doubled = final.n - final.pairs;
  const line = (label: string, value: string | number) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
  const diffLine = (label: string, d: OutputDiff) => line(label, `expected ${d.expected}, written ${d.actual}, missing ${d.missing.length}, extra ${d.extra.length}, different ${d.differing.length}`);
  line('run', `${runId}: ${minutes} min, ${meters} meters, ${rate} readings/s, ${rounds} rounds of ${roundS} s`);
  line('faults injected', Object.entries(faultsDone).map(([k, v]) => `${k} ×${v}`).join('; ') || 'none');
  line('readings published (acknowledged by MQTT)', figures.published);
  line('publishes failed (not acknowledged)', figures.failed);
  line('readings stored (distinct meter, ts)', final.pairs);
  line('rows stored', final.n);
  line('lost', lost);
  line('doubled', doubled);
  line('stored but never acknowledged', Math.max(0, final.pairs - figures.published));
  line('late readings (per processor)', lateRows.map((r) => `${r.processor} ${r.n}`).join(', ') || '0');
  diffLine('rolling-averages: rolling_averages (15m, 1h)', rolling);
  diffLine('rolling-averages: rollups (sector 1m, 1h)', rollups);
  line('billing: invoices rows (not recomputed)', Number(outputs[0]?.n ?? 0));
  line('graphql: blockMeter retries same command', `${graphqlChecks.sameCommand}/${graphqlChecks.retries}`);
  for (const d of [...rolling.missing, ...rolling.differing, ...rolling.extra, ...rollups.missing, ...rollups.differing, ...rollups.extra].slice(0, 10)) say(`diff: ${d}`);

  for (const s of Object.values(services)) {
    s.child?.process.kill('SIGCONT');
    await s.child?.stop();
  }
  await questdb.end();
  await kafka.deleteTopics(Object.values(topics).map((t: { name: string }) => t.name)).catch(() => undefined);
  if (!args['keep-stack'] && started.length > 0) await stopStack({ log: stackLog });
  const clean = lost === 0 && doubled === 0 && [rolling, rollups].every((d) => d.missing.length + d.extra.length + d.differing.length === 0) && graphqlChecks.sameCommand === graphqlChecks.retries;
  process.exitCode = clean ? 0 : 1;
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('chaos', command);
