import type { MqttClient } from 'mqtt';
import { mqttTopics, questdbTables, type Reading } from '../../core/contracts';
import { createBatchingProducer } from '../../core/kafka';
import { silentLogger } from '../../core/logger';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { metricValue } from './support/metric-value';
import { createTestPipeline, fleetMqtt, meterIdLike, storedReadings, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// One hostile message from one meter must cost only itself (docs/poison-records.md).
// Before: a dead letter Kafka refused blocked the bridge forever (one request in flight, retried),
// and a number QuestDB cannot store made the sink rewind and re-read the same record forever.

const health = async (port: number | null) => {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('a dead letter larger than Kafka accepts', () => {
  let pipeline: TestPipeline;
  let fleet: MqttClient;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    // The dead-letter topic takes at most 16 KiB per record batch (as a cluster with a lowered
    // max.message.bytes would): the hostile meter's dead letter (~350 KB) is refused for good.
    await pipeline.kafka.ensureTopics([{ ...pipeline.topics.deadLetters, config: { ...pipeline.topics.deadLetters.config, 'max.message.bytes': '16384' } }]);
    await pipeline.startSink();
    await pipeline.startBridge();
    fleet = await connectMqtt({ ...fleetMqtt(pipeline), clientId: `${pipeline.runId}-fleet`, clean: true });
  });

  afterAll(async () => {
    await fleet?.endAsync();
    await pipeline?.stopAll();
  });

  it('is replaced by a small KAFKA_REFUSED dead letter; every other meter keeps flowing and /health stays ok', async () => {
    const meters = 20;
    const perMeter = 10;
    const now = Date.now();
    const id = (m: number) => `${pipeline.runId}-m${m}`;
    const publishRound = async (k: number) => {
      for (let m = 0; m < meters; m += 1) {
        await fleet.publishAsync(mqttTopics.reading(id(m)), JSON.stringify({ kind: 'water', ts: now - 60_000 + k * 1000, value: k, register: 1000 + k }), { qos: 1 });
      }
    };
    for (let k = 0; k < perMeter / 2; k += 1) await publishRound(k);
    // ~900 KB, under the MQTT limit (1 MiB): hundreds of long unknown keys.
    const hostile: Record<string, unknown> = { kind: 'water', ts: now, value: 1 };
    for (let i = 0; i < 600; i += 1) hostile[`${'k'.repeat(1400)}${i}`] = i;
    const hostileTopic = mqttTopics.reading(`${pipeline.runId}-hostile`);
    await fleet.publishAsync(hostileTopic, JSON.stringify(hostile), { qos: 1 });
    for (let k = perMeter / 2; k < perMeter; k += 1) await publishRound(k);

    const total = meters * perMeter;
    await waitFor('every good reading in QuestDB', () => storedReadings(pipeline, pipeline.runId), (c) => c.pairs >= total, 60_000, 500);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await storedReadings(pipeline, pipeline.runId)).toEqual({ n: total, pairs: total });

    // The hostile message left a trace: a small dead letter saying Kafka refused the real one.
    const letter = await waitFor(
      'the KAFKA_REFUSED dead letter in QuestDB',
      async () => (await pipeline.questdb.query<{ reason: string; detail: string; mqtt_topic: string; payload_bytes: string }>(`SELECT reason, detail, mqtt_topic, payload_bytes FROM dead_letters WHERE bridge_id = $1`, [`${pipeline.runId}-bridge`])).rows,
      (rows) => rows.length > 0,
      30_000,
    );
    expect(letter).toHaveLength(1);
    expect(letter[0]!.reason).toBe('KAFKA_REFUSED');
    expect(letter[0]!.mqtt_topic).toBe(hostileTopic);
    expect(letter[0]!.detail).toContain('MESSAGE_TOO_LARGE');
    expect(Number(letter[0]!.payload_bytes)).toBeGreaterThan(16384); // the size of the record Kafka refused

    const metrics = await pipeline.bridge!.metrics.render();
    expect(metricValue(metrics, 'meterflow_bridge_kafka_records_refused_total', `topic="${pipeline.topics.deadLetters.name}"`)).toBe(1);
    expect(metricValue(metrics, 'meterflow_bridge_messages_in_flight')).toBe(0);
    const h = await health(pipeline.bridge!.httpPort);
    expect(h.status).toBe(200);
    expect(h.body.oldestPendingMs).toBe(0);
  }, 120_000);
});

describe('a number QuestDB cannot store, written to the readings topic by something other than the bridge', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.kafka.ensureTopics(Object.values(pipeline.topics));
    await pipeline.startSink();
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  it('is dead-lettered with its offset; the records around it are written once; the sink stays healthy', async () => {
    const producer = createBatchingProducer(await pipeline.kafka.createProducer(), { maxBatch: 500, lingerMs: 5, logger: silentLogger });
    const now = Date.now() - 3_600_000;
    const reading = (meterId: string, k: number): Reading => ({ meterId, kind: 'water', ts: now + k * 1000, value: k, valueUnit: 'L/min', register: 100 + k, registerUnit: 'L', seq: k, sector: null, receivedAt: now + k * 1000 });
    const good = Array.from({ length: 5 }, (_, m) => `${pipeline.runId}-m${m}`).flatMap((id) => Array.from({ length: 20 }, (_, k) => reading(id, k)));
    const hostileId = `${pipeline.runId}-hostile`;
    const bad: string[] = [
      JSON.stringify({ ...reading(hostileId, 1), seq: 1e21 }), // a LONG QuestDB refuses ("1e+21i")
      JSON.stringify({ ...reading(hostileId, 2), ts: now + 0.5 }), // a non-integer designated timestamp
      JSON.stringify({ ...reading(hostileId, 3), ts: 1e300 }), // far beyond QuestDB's TIMESTAMP
      JSON.stringify({ ...reading(hostileId, 4), register: 'lots' }), // not a reading at all
    ];
    // Hostile records in the middle of the good ones, on the same partitions as the good ones' keys.
    const records = [...good.slice(0, 50).map((r) => JSON.stringify(r)), ...bad, ...good.slice(50).map((r) => JSON.stringify(r))];
    await Promise.all(records.map((value) => producer.send({ topic: pipeline.topics.readings.name, key: JSON.parse(value).meterId as string, value })));
    await producer.close();

    await waitFor('good readings in QuestDB', () => storedReadings(pipeline, pipeline.runId), (c) => c.pairs >= good.length, 60_000, 500);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await storedReadings(pipeline, pipeline.runId)).toEqual({ n: good.length, pairs: good.length });
    const hostileRows = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE ${meterIdLike}`, [`${hostileId}%`]);
    expect(hostileRows.rows[0]!.n).toBe('0');

    const letters = await waitFor(
      'four dead letters from the sink',
      async () => (await pipeline.questdb.query<{ reason: string; detail: string; mqtt_topic: string; payload_base64: string }>(`SELECT reason, detail, mqtt_topic, payload_base64 FROM dead_letters WHERE bridge_id = 'sink' AND mqtt_topic = $1`, [pipeline.topics.readings.name])).rows,
      (rows) => rows.length >= 4,
      30_000,
    );
    expect(letters).toHaveLength(4);
    expect(letters.every((l) => l.reason === 'QUESTDB_REFUSED')).toBe(true);
    // The dead letter keeps the record exactly, so it can be inspected and replayed once fixed.
    expect(letters.map((l) => Buffer.from(l.payload_base64, 'base64').toString()).sort()).toEqual([...bad].sort());
    expect(letters.map((l) => l.detail).join('\n')).toMatch(/"seq"/);

    const metrics = await pipeline.sink!.metrics.render();
    expect(metricValue(metrics, 'meterflow_sink_rows_refused_total', 'code="QUESTDB_ROW_INVALID",table="readings"')).toBe(3);
    expect(metricValue(metrics, 'meterflow_sink_records_unreadable_total', `topic="${pipeline.topics.readings.name}"`)).toBe(1);
    expect((await health(pipeline.sink!.httpPort)).status).toBe(200);
  }, 120_000);
});

describe('a meter flooding the bridge, with MF_BRIDGE_METER_RATE_LIMIT set', () => {
  let pipeline: TestPipeline;
  let fleet: MqttClient;

  beforeAll(async () => {
    pipeline = createTestPipeline({ MF_BRIDGE_METER_RATE_LIMIT: '5', MF_BRIDGE_METER_BURST: '10' });
    await pipeline.startSink();
    await pipeline.startBridge();
    fleet = await connectMqtt({ ...fleetMqtt(pipeline), clientId: `${pipeline.runId}-fleet`, clean: true });
  });

  afterAll(async () => {
    await fleet?.endAsync();
    await pipeline?.stopAll();
  });

  it('spends only its own budget: the excess is dead-lettered as RATE_LIMITED, honest meters lose nothing, nothing vanishes', async () => {
    const now = Date.now() - 600_000;
    const flooder = `${pipeline.runId}-flood`;
    const started = Date.now();
    const floods = Array.from({ length: 200 }, (_, k) => fleet.publishAsync(mqttTopics.reading(flooder), JSON.stringify({ kind: 'water', ts: now + k * 1000, value: 1 }), { qos: 1 }));
    for (let m = 0; m < 10; m += 1) {
      for (let k = 0; k < 5; k += 1) await fleet.publishAsync(mqttTopics.reading(`${pipeline.runId}-h${m}`), JSON.stringify({ kind: 'water', ts: now + k * 1000, value: k }), { qos: 1 });
    }
    await Promise.all(floods);
    const elapsedS = (Date.now() - started) / 1000;

    const honest = async () => (await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE ${meterIdLike}`, [`${pipeline.runId}-h%`])).rows[0]!.n;
    await waitFor('all 50 honest readings', honest, (n) => n === '50', 60_000, 500);
    const flooded = async () => Number((await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id = $1`, [flooder])).rows[0]!.n);
    const limited = async () => Number((await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM dead_letters WHERE bridge_id = $1 AND reason = 'RATE_LIMITED'`, [`${pipeline.runId}-bridge`])).rows[0]!.n);
    // Every flood message is accounted for: stored, or dead-lettered with its reason.
    await waitFor('flood fully accounted', async () => (await flooded()) + (await limited()), (n) => n === 200, 60_000, 500);
    const passed = await flooded();
    expect(passed).toBeGreaterThanOrEqual(10); // the burst
    expect(passed).toBeLessThanOrEqual(10 + Math.ceil(5 * elapsedS) + 1);
    expect(metricValue(await pipeline.bridge!.metrics.render(), 'meterflow_bridge_messages_rate_limited_total')).toBe(200 - passed);
  }, 120_000);
});
