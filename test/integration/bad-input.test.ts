import type { MqttClient } from 'mqtt';
import { mqttTopics, questdbTables, type DeadLetter, type RejectionReason } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { createTestPipeline, meterIdLike, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Each kind of bad message, interleaved with good ones -> each bad one is in the
// dead-letter topic with its reason, every good one arrives, the bridge keeps running.
describe('bad device input', () => {
  let pipeline: TestPipeline;
  let fleet: MqttClient;
  const letters: DeadLetter[] = [];
  let stopReader: () => Promise<void> = async () => {};

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
    fleet = await connectMqtt({
      url: pipeline.config.string('MF_MQTT_URL'),
      username: pipeline.config.string('MF_MQTT_FLEET_USERNAME'),
      password: pipeline.config.string('MF_MQTT_FLEET_PASSWORD'),
      clientId: `${pipeline.runId}-fleet`,
      clean: true,
    });
    await pipeline.kafka.createConsumer({
      groupId: `${pipeline.runId}-dlq-reader`,
      topics: [pipeline.topics.deadLetters.name],
      fromBeginning: true,
      handle: async (batch) => {
        for (const r of batch.records) letters.push(JSON.parse(r.value!.toString()) as DeadLetter);
      },
    }).then((consumer) => (stopReader = () => consumer.disconnect()));
  });

  afterAll(async () => {
    await fleet?.endAsync();
    await stopReader();
    await pipeline?.stopAll();
  });

  it('dead-letters each bad message with its reason and loses no good one', async () => {
    const id = (n: number) => `${pipeline.runId}-m${n}`;
    const now = Date.now();
    const good = (n: number, k: number) => ({ topic: mqttTopics.reading(id(n)), payload: JSON.stringify({ kind: 'water', ts: now - 60_000 + k * 1000, value: k, register: 100 + k }) });
    const bad: { topic: string; payload: string | Buffer; reason: RejectionReason }[] = [
      { topic: mqttTopics.reading(id(1)), payload: '{"kind":"water","ts":', reason: 'MALFORMED_JSON' },
      { topic: mqttTopics.reading(id(1)), payload: '{"kind":"water","ts":1700000000000,"value":NaN}', reason: 'MALFORMED_JSON' },
      { topic: mqttTopics.reading(id(1)), payload: `{"kind":"water","ts":${now},"value":1e999}`, reason: 'NON_FINITE_NUMBER' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: now, value: '12.5' }), reason: 'INVALID_SHAPE' },
      { topic: mqttTopics.reading('x'.repeat(65)), payload: JSON.stringify({ kind: 'water', ts: now, value: 1 }), reason: 'INVALID_METER_ID' },
      { topic: mqttTopics.gatewayBatch(`${pipeline.runId}-gw`), payload: JSON.stringify({ readings: [{ kind: 'water', ts: now, value: 1 }] }), reason: 'INVALID_METER_ID' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ meterId: id(2), kind: 'water', ts: now, value: 1 }), reason: 'METER_ID_MISMATCH' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'steam', ts: now, value: 1 }), reason: 'UNKNOWN_KIND' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: now + 365 * 86_400_000, value: 1 }), reason: 'TIMESTAMP_OUT_OF_RANGE' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: Math.floor(now / 1000), value: 1 }), reason: 'TIMESTAMP_OUT_OF_RANGE' },
      // Just over MF_MAX_PAYLOAD_BYTES (1 MiB): Mosquitto's max_packet_size (the limit + 4 KiB of
      // headers) lets it through to the bridge, which dead-letters it; a larger packet would make
      // Mosquitto disconnect the sender (device-security.test.ts).
      { topic: mqttTopics.reading(id(1)), payload: Buffer.alloc(1_048_576 + 100, 0x20), reason: 'PAYLOAD_TOO_LARGE' },
      { topic: mqttTopics.reading(id(1)), payload: `{"kind":"water","ts":${now},"value":1,"__proto__":{"admin":true}}`, reason: 'FORBIDDEN_KEY' },
      // Values no meter of the kind can report, and a LONG QuestDB cannot store.
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: now, value: -40 }), reason: 'VALUE_OUT_OF_RANGE' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: now, register: 1e25 }), reason: 'VALUE_OUT_OF_RANGE' },
      { topic: mqttTopics.reading(id(1)), payload: JSON.stringify({ kind: 'water', ts: now, value: 1, seq: 1e21 }), reason: 'INVALID_SHAPE' },
      { topic: mqttTopics.reading(id(1)), payload: `{"kind":"water","ts":${now},"value":1,"constructor":{"prototype":{"x":1}}}`, reason: 'FORBIDDEN_KEY' },
    ];
    // Interleave: good, bad, good, bad, ... then the rest of the good ones.
    const goodMessages = Array.from({ length: 40 }, (_, k) => good(1 + (k % 4), k));
    const sequence: { topic: string; payload: string | Buffer }[] = [];
    goodMessages.forEach((g, k) => {
      sequence.push(g);
      if (bad[k]) sequence.push(bad[k]!);
    });
    for (const message of sequence) await fleet.publishAsync(message.topic, message.payload, { qos: 1 });

    await waitFor('all dead letters', async () => letters.length, (n) => n >= bad.length, 60_000);
    // Order within the topic is per key; compare as multisets of (topic, reason).
    const seen = letters.map((l) => `${l.reason} ${l.mqttTopic}`).sort();
    expect(seen).toEqual(bad.map((b) => `${b.reason} ${b.topic}`).sort());
    for (const letter of letters) {
      expect(letter.detail.length).toBeGreaterThan(0);
      expect(Math.abs(letter.receivedAt - now)).toBeLessThan(120_000);
      expect(letter.bridgeId).toBe(`${pipeline.runId}-bridge`);
    }
    // Original bytes are kept (the batch item is kept re-serialised on its own, with its index).
    const malformed = letters.find((l) => l.reason === 'MALFORMED_JSON' && Buffer.from(l.payloadBase64, 'base64').toString() === '{"kind":"water","ts":');
    expect(malformed).toBeDefined();
    const batchItem = letters.find((l) => l.mqttTopic.startsWith('gateways/'));
    expect(batchItem?.index).toBe(0);

    // Every good reading arrived in QuestDB.
    const count = async () => {
      const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE ${meterIdLike}`, [`${pipeline.runId}-m%`]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor('40 good rows', count, (n) => n >= 40, 60_000);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await count()).toBe(40);

    // The dead letters were also stored in QuestDB for dashboards.
    await waitFor(
      'dead letters in QuestDB',
      async () => {
        const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM dead_letters WHERE bridge_id = $1`, [`${pipeline.runId}-bridge`]);
        return Number(rows[0]?.n ?? 0);
      },
      (n) => n === bad.length,
      60_000,
    );

    // And the bridge is still up and counting.
    const metrics = await pipeline.bridge!.metrics.render();
    expect(metrics).toMatch(/meterflow_bridge_dead_letters_total\{reason="FORBIDDEN_KEY"\} 2/);
    const health = await fetch(`http://127.0.0.1:${pipeline.bridge!.httpPort}/health`);
    expect(health.status).toBe(200);
  });
});
