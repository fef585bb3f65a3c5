import { randomUUID } from 'node:crypto';
import { createBridge, type Bridge } from '../../../bridge/bridge';
import { bridgeOptionsFromConfig } from '../../../bridge/bridge-options';
import { loadConfig, type Config } from '../../../core/config';
import { createKafkaTopics, type KafkaTopics } from '../../../core/contracts';
import { createKafkaClient, type KafkaClient } from '../../../core/kafka';
import { createLogger, silentLogger } from '../../../core/logger';
import { createMetrics } from '../../../core/metrics';
import { connectMqtt } from '../../../core/mqtt/mqtt-connection';
import { createMeterDevice, type MeterDevice } from '../../../load-tests/simulator/meter-device';
import { startCommandLog, type CommandLog } from '../../../processors/command-log/command-log';

// MF_TEST_LOG=1 shows the services' logs while debugging a test.
const testLogger = process.env.MF_TEST_LOG ? createLogger('test', { level: 'debug' }) : silentLogger;
import { createQuestdbPool, type QuestdbPool } from '../../../core/questdb/questdb-sql';
import { createRawReadingsSink, type RawReadingsSink } from '../../../processors/raw-readings-sink/raw-readings-sink';
import { questdbPgFromConfig } from '../../../core/questdb/questdb-pg-options';
import { sinkOptionsFromConfig } from '../../../processors/raw-readings-sink/sink-options';

/**
 * One isolated pipeline per test file on the shared real stack: its own Kafka topic prefix,
 * bridge id, consumer group and meter-id prefix, so files never see each other's data.
 */
export interface TestPipeline {
  config: Config;
  /** The environment overrides behind `config`, for starting more services of the same run. */
  env: Record<string, string>;
  runId: string;
  topics: KafkaTopics;
  kafka: KafkaClient;
  questdb: QuestdbPool;
  bridge: Bridge | null;
  sink: RawReadingsSink | null;
  startBridge(): Promise<Bridge>;
  startSink(): Promise<RawReadingsSink>;
  stopAll(): Promise<void>;
}

/** `overrides` changes settings of this run's services (e.g. MF_METRICS_SAMPLE_INTERVAL_MS). */
export function createTestPipeline(overrides: Record<string, string> = {}): TestPipeline {
  const runId = `t${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    MF_KAFKA_TOPIC_PREFIX: `${runId}.`,
    MF_BRIDGE_ID: `${runId}-bridge`,
    // Per run: a share group also holds the (expiring) sessions of earlier runs' bridges.
    MF_BRIDGE_SHARE_GROUP: runId,
    MF_BRIDGE_COMMAND_GROUP: `${runId}-commands`,
    MF_BRIDGE_HTTP_PORT: '0',
    // Long enough that no session expires during a test run: Mosquitto 2.0.11 (Debian 12) once
    // segfaulted expiring a session while another client connected (notes in docs/troubleshooting.md).
    MF_BRIDGE_SESSION_EXPIRY_S: '3600',
    MF_BRIDGE_DRAIN_TIMEOUT_MS: '10000',
    MF_SINK_GROUP_ID: `${runId}-sink`,
    MF_SINK_HTTP_PORT: '0',
    ...overrides,
  };
  const config = loadConfig({ ...process.env, ...env });
  const topics = createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS'));
  const pipeline: TestPipeline = {
    config,
    env,
    runId,
    topics,
    kafka: createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: `${runId}-test`, logger: silentLogger }),
    questdb: createQuestdbPool(questdbPgFromConfig(config)),
    bridge: null,
    sink: null,
    async startBridge() {
      pipeline.bridge = await createBridge(bridgeOptionsFromConfig(config, testLogger.child('bridge')));
      return pipeline.bridge;
    },
    async startSink() {
      pipeline.sink = await createRawReadingsSink(sinkOptionsFromConfig(config, testLogger.child('sink')));
      return pipeline.sink;
    },
    async stopAll() {
      await pipeline.bridge?.stop();
      await endBridgeSession(config);
      await pipeline.sink?.stop();
      pipeline.bridge = null;
      pipeline.sink = null;
      await pipeline.questdb.end();
      // Each run has topics of its own: leave the shared broker as small as it was (a broker
      // restarted with thousands of partitions takes long to serve them again).
      await pipeline.kafka.deleteTopics(Object.values(topics).map((t: { name: string }) => t.name)).catch(() => undefined);
    },
  };
  return pipeline;
}

/**
 * Ends the run's bridge session at the broker (a clean start under its client id). A stopped
 * bridge's session keeps a queue of every reading published after it (its share group is the
 * run's own); left for its expiry, a test suite's worth of them grew Mosquitto's store to
 * 130 MB, and Mosquitto, saving it every 10 s, stalled every client ~1 s each time.
 */
async function endBridgeSession(config: Config): Promise<void> {
  const client = await connectMqtt({
    url: config.string('MF_MQTT_URL'),
    username: config.string('MF_MQTT_USERNAME'),
    password: config.string('MF_MQTT_PASSWORD'),
    clientId: `meterflow-${config.string('MF_BRIDGE_ID')}`,
    clean: true,
  }).catch(() => null);
  await client?.endAsync();
}

/**
 * Note for queries in tests: QuestDB 9.2.0 answers `symbol LIKE $1` from the symbol keys that
 * matched when the statement was first compiled, so symbols added later are never counted
 * (the cached plan is shared across connections). `meter_id::string LIKE $1` does not cache.
 */
export const meterIdLike = 'meter_id::string LIKE $1';

/** Waits until QuestDB has applied every committed WAL transaction of `table`, so counts are final. */
export async function walApplied(pool: QuestdbPool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ writerTxn: string; sequencerTxn: string; suspended: boolean }>(
    `SELECT writerTxn, sequencerTxn, suspended FROM wal_tables() WHERE name = $1`,
    [table],
  );
  const row = rows[0];
  if (row?.suspended) throw new Error(`QuestDB suspended WAL apply of ${table}`);
  return row !== undefined && String(row.writerTxn) === String(row.sequencerTxn);
}

/** The simulated fleet's MQTT account (a gateway account that may publish for every meter). */
export function fleetMqtt(pipeline: TestPipeline): { url: string; username: string; password: string } {
  return { url: pipeline.config.string('MF_MQTT_URL'), username: pipeline.config.string('MF_MQTT_FLEET_USERNAME'), password: pipeline.config.string('MF_MQTT_FLEET_PASSWORD') };
}

/** Rows in `readings` for meters starting with `prefix`, and distinct (meter, ts) pairs: equal when nothing is doubled. */
export async function storedReadings(pipeline: TestPipeline, prefix: string): Promise<{ n: number; pairs: number }> {
  const { rows } = await pipeline.questdb.query<{ n: string; pairs: string }>(
    `SELECT count() n, count_distinct(concat(meter_id, '@', cast(ts AS string))) pairs FROM readings WHERE ${meterIdLike}`,
    [`${prefix}-%`],
  );
  return { n: Number(rows[0]!.n), pairs: Number(rows[0]!.pairs) };
}

/** A simulated meter (reference firmware) online over the fleet account, for command tests. */
export function startTestDevice(pipeline: TestPipeline, meterId: string): Promise<MeterDevice> {
  const fleet = fleetMqtt(pipeline);
  return createMeterDevice({ url: fleet.url, meterId, username: fleet.username, password: fleet.password, masterKey: pipeline.config.string('MF_METER_MASTER_KEY') });
}

/** The processors' command log alone (commands and their events → QuestDB), in this run's own group. */
export function startTestCommandLog(pipeline: TestPipeline): Promise<CommandLog> {
  return startCommandLog({
    kafka: { brokers: pipeline.config.list('MF_KAFKA_BROKERS'), topics: pipeline.topics },
    questdb: { httpUrl: pipeline.config.string('MF_QUESTDB_HTTP_URL'), pg: questdbPgFromConfig(pipeline.config) },
    groupId: `${pipeline.runId}-command-log`,
    metrics: createMetrics('test'),
    logger: testLogger.child('command-log'),
  });
}
