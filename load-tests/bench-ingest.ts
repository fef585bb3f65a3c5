import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { describeError } from '../core/errors';
import { createQuestdbPool } from '../core/questdb/questdb-sql';
import { createKafkaClient } from '../core/kafka';
import { silentLogger } from '../core/logger';
import { readingsGroupId } from '../processors/topology';
import { startStack } from '../deploy/stack/stack';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import { scrapeCpuSeconds, startChildService, waitForHealth } from '../deploy/child-service';
import { endBridgeSession } from './bench-bridge-session';
import { measureMosquittoAlone } from './mosquitto-baseline';
import { runFleet, type FleetOptions } from './simulator/fleet-simulator';

const flags: FlagSpec[] = [
  { name: 'readings', kind: 'int', default: '50000', description: 'readings to publish in each phase' },
  { name: 'meters', kind: 'int', default: '500', description: 'simulated meters' },
  { name: 'batch', kind: 'int', default: '1', description: 'readings per MQTT message (1 = one reading per message)' },
  { name: 'bridge-port', kind: 'int', default: '18181', description: "the bridge's /health and /metrics port (another bench on the machine may hold the default)" },
  { name: 'sink-port', kind: 'int', default: '18182', description: "the sink's /health and /metrics port" },
  { name: 'processors', kind: 'bool', default: 'true', description: 'run the stream processors too (rolling averages, alerts, billing): the end is when QuestDB shows every reading and the processors have committed them all' },
  { name: 'processors-port', kind: 'int', default: '18183', description: "the processors' /health and /metrics port" },
  { name: 'verbose', kind: 'bool', description: "print the services' logs" },
];

const help: CommandHelp = {
  summary: 'Ingest benchmark: readings/s through MQTT -> bridge -> Kafka -> sink -> QuestDB (and the processors).',
  usage: '[flags]',
  description: `
Ingest benchmark: publishes a fixed number of readings (QoS 1) through the whole path
MQTT -> bridge -> Kafka -> raw-readings sink -> QuestDB, and the stream processors, and
prints, from one run:
  - end-to-end readings/s (first publish -> last row visible in QuestDB and, with
    --processors, every reading applied and committed by the processors),
  - the rate of Mosquitto alone (same publisher -> a bare QoS 1 subscriber), and the ratio,
  - CPU time per reading of the bridge, the sink and the processors (from their /metrics).
Starts (or reuses) the local stack. Not a test: it asserts nothing, it measures.`,
  flags,
  environment: 'MF_STACK_DIR and the stack ports; the services read their MF_* variables.',
  examples: ['meterflow bench ingest --readings 200000', 'meterflow bench ingest --readings 200000 --batch 100'],
};

async function main({ flags: args }: CommandArgs) {
  const total = args.readings as number;
  const meters = args.meters as number;
  const batch = Math.max(1, args.batch as number);
  const perMeter = Math.ceil(total / meters);
  const bridgeUrl = `http://127.0.0.1:${args['bridge-port'] as number}`;
  const sinkUrl = `http://127.0.0.1:${args['sink-port'] as number}`;
  const withProcessors = args.processors !== false;
  const processorsUrl = `http://127.0.0.1:${args['processors-port'] as number}`;
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const verbose = args.verbose === true;

  await startStack({ log: verbose ? say : () => {} });
  const runId = `bench${randomUUID().slice(0, 6)}`;
  const config = loadConfig({ ...process.env, MF_KAFKA_TOPIC_PREFIX: `${runId}.` });
  const fleetOptions = (prefix: string): FleetOptions => ({
    mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_FLEET_USERNAME'), password: config.string('MF_MQTT_FLEET_PASSWORD') },
    meters,
    profile: 'mixed',
    prefix,
    sectors: 8,
    intervalMs: 1000,
    readingsPerMeter: perMeter,
    ratePerSecond: 0,
    batchSize: batch,
    maxInFlight: 1000,
    seed: 42,
  });
  const expected = perMeter * meters;

  // Phase 1: Mosquitto alone, the same publisher into a bare QoS 1 subscriber.
  say(`phase 1: ${expected} readings, publisher -> Mosquitto -> bare subscriber`);
  const bareRate = await measureMosquittoAlone(fleetOptions(`${runId}-bare`), {
    url: config.string('MF_MQTT_URL'),
    username: config.string('MF_MQTT_USERNAME'),
    password: config.string('MF_MQTT_PASSWORD'),
    clientId: `${runId}-bare`,
  });

  // Phase 2: the whole path, services as separate processes so each one's CPU is its own.
  say(`phase 2: ${expected} readings, publisher -> Mosquitto -> bridge -> Kafka -> sink -> QuestDB${withProcessors ? ', and the processors' : ''}`);
  const env = {
    MF_KAFKA_TOPIC_PREFIX: `${runId}.`,
    MF_BRIDGE_ID: `${runId}-bridge`,
    MF_BRIDGE_SHARE_GROUP: runId, // sessions of earlier runs' bridges still belong to the default group
    MF_BRIDGE_COMMAND_GROUP: `${runId}-commands`,
    MF_BRIDGE_SESSION_EXPIRY_S: '3600', // see test/integration/support/test-services.ts
    MF_BRIDGE_HTTP_PORT: String(args['bridge-port']),
    MF_SINK_GROUP_ID: `${runId}-sink`,
    MF_SINK_HTTP_PORT: String(args['sink-port']),
    MF_PROCESSORS_GROUP_ID: `${runId}-processors`,
    MF_PROCESSORS_HTTP_PORT: String(args['processors-port']),
    MF_LOG_LEVEL: verbose ? 'info' : 'warn',
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sink = startChildService('sink', 'processors/raw-readings-sink/cli.ts', env, log);
  const bridge = startChildService('bridge', 'bridge/cli.ts', env, log);
  const processors = withProcessors ? startChildService('processors', 'processors/cli.ts', env, log) : null;
  const pool = createQuestdbPool(questdbPgFromConfig(config));
  const kafka = createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: `${runId}-lag`, logger: silentLogger });
  const urls = [bridgeUrl, sinkUrl, ...(processors ? [processorsUrl] : [])];
  try {
    // Startup on a loaded 2-core machine can take a minute (group joins, QuestDB DDL).
    await Promise.all(urls.map((url) => waitForHealth(`${url}/health`, 180_000)));
    const cpuBefore = await Promise.all(urls.map((url) => scrapeCpuSeconds(`${url}/metrics`)));
    const loadPrefix = `${runId}-load`;
    // ::string: QuestDB 9.2.0 caches the symbol keys a `symbol LIKE $1` matched at first compile.
    const count = async () => Number((await pool.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id::string LIKE $1`, [`${loadPrefix}-%`])).rows[0]?.n ?? 0);
    const start = Date.now();
    const fleet = await runFleet({ ...fleetOptions(loadPrefix), onProgress: (n) => verbose && say(`${n} published`) });
    const published = await fleet.done;
    const publishSeconds = (Date.now() - start) / 1000;
    let visible = 0;
    let lastSeen = start;
    while (visible < expected) {
      if (Date.now() - lastSeen > 120_000) throw new Error(`stalled at ${visible}/${expected} rows visible in QuestDB`);
      const n = await count();
      if (n > visible) lastSeen = Date.now();
      visible = n;
      if (visible < expected) await new Promise((r) => setTimeout(r, 100));
    }
    if (processors) {
      // Every record applied, its outputs written and its state checkpointed (offsets are committed after that).
      const group = readingsGroupId(env.MF_PROCESSORS_GROUP_ID);
      const readingsTopic = `${runId}.readings`;
      let lag = await kafka.groupLag(group, readingsTopic).catch(() => Infinity);
      for (let last = lag, lastChange = Date.now(); lag > 0; lag = await kafka.groupLag(group, readingsTopic).catch(() => Infinity)) {
        if (lag !== last) [last, lastChange] = [lag, Date.now()];
        if (Date.now() - lastChange > 120_000) throw new Error(`the processors stalled with ${lag} records to commit`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const endToEndSeconds = (Date.now() - start) / 1000;
    const cpuAfter = await Promise.all(urls.map((url) => scrapeCpuSeconds(`${url}/metrics`)));
    const rate = expected / endToEndSeconds;
    const usPerReading = (i: number) => (i >= urls.length ? 0 : (((cpuAfter[i] as number) - (cpuBefore[i] as number)) * 1e6) / expected);
    const result = {
      machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      readings: expected,
      readingsPerMessage: batch,
      publishFailures: published.failed,
      mosquittoAloneReadingsPerS: Math.round(bareRate),
      endToEndReadingsPerS: Math.round(rate),
      ratioEndToEndToMosquitto: Number((rate / bareRate).toFixed(3)),
      publishSecondsPhase2: Number(publishSeconds.toFixed(2)),
      endToEndSeconds: Number(endToEndSeconds.toFixed(2)),
      bridgeCpuMicrosPerReading: Number(usPerReading(0).toFixed(1)),
      sinkCpuMicrosPerReading: Number(usPerReading(1).toFixed(1)),
      processorsCpuMicrosPerReading: processors ? Number(usPerReading(2).toFixed(1)) : null,
      bridgePlusSinkCpuMicrosPerReading: Number((usPerReading(0) + usPerReading(1)).toFixed(1)),
      totalCpuMicrosPerReading: Number((usPerReading(0) + usPerReading(1) + usPerReading(2)).toFixed(1)),
    };
    process.stdout.write(
      [
        `machine                     ${result.machine}`,
        `readings                    ${expected} (${batch} per MQTT message, QoS 1)`,
        `Mosquitto alone             ${result.mosquittoAloneReadingsPerS} readings/s`,
        `end to end (-> QuestDB${processors ? ', processors committed' : ''}) ${result.endToEndReadingsPerS} readings/s   ratio ${result.ratioEndToEndToMosquitto}`,
        `CPU per reading             bridge ${result.bridgeCpuMicrosPerReading} us, sink ${result.sinkCpuMicrosPerReading} us${processors ? `, processors ${result.processorsCpuMicrosPerReading} us` : ''}, total ${result.totalCpuMicrosPerReading} us`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all([bridge.stop(), sink.stop(), processors?.stop()]);
    await pool.end();
    const mqtt = { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_USERNAME'), password: config.string('MF_MQTT_PASSWORD') };
    await endBridgeSession(mqtt, `meterflow-${env.MF_BRIDGE_ID}`).catch((error: unknown) => say(`could not end the bridge's MQTT session: ${describeError(error)}`));
  }
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('bench ingest', command);
