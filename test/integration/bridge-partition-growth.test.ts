import { createBridge, type Bridge } from '../../bridge/bridge';
import { bridgeOptionsFromConfig } from '../../bridge/bridge-options';
import { loadConfig } from '../../core/config';
import { defaultPartitionOf, type RawConsumer } from '../../core/kafka';
import { silentLogger } from '../../core/logger';
import { decodeReadingsRecord } from '../../core/streams/readings';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { createTestPipeline, fleetMqtt, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A running readings topic grows partitions: the bridge must group the readings that come after
// by the new count, and put each record on the partition its readings map to under that count.
const meters = 30;
const perMeter = 4;

describe('readings topic growing partitions under a running bridge', () => {
  let pipeline: TestPipeline;
  let bridge: Bridge | null = null;
  let consumer: RawConsumer | null = null;

  beforeAll(() => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await bridge?.stop();
    await pipeline?.stopAll();
  });

  it('groups readings by the partition count the topic has now', async () => {
    const config = loadConfig({ ...process.env, ...pipeline.env });
    bridge = await createBridge({ ...bridgeOptionsFromConfig(config, silentLogger), partitionRefreshMs: 200 });
    const topic = pipeline.topics.readings.name;
    const before = await pipeline.kafka.partitionCount(topic);
    const publish = async (prefix: string) => {
      const fleet = await runFleet({ mqtt: fleetMqtt(pipeline), meters, profile: 'water', prefix, sectors: 1, intervalMs: 1000, readingsPerMeter: perMeter, ratePerSecond: 0, batchSize: 1, maxInFlight: 100, seed: 5 });
      expect(await fleet.done).toMatchObject({ published: meters * perMeter, failed: 0 });
    };

    // A PUBACK comes only once Kafka acknowledged the reading's record: when a fleet is done,
    // its readings are in Kafka (or the bridge lost them, which the count below would show).
    await publish(`${pipeline.runId}-a`);
    const after = before + 3;
    await pipeline.kafka.addPartitions(topic, after);
    await new Promise((r) => setTimeout(r, 1500)); // several of the bridge's reads of the count
    await publish(`${pipeline.runId}-b`);

    /** Every reading on the topic, with the partition of the record that held it (read once the topic has grown). */
    const seen: { meterId: string; partition: number }[] = [];
    consumer = await pipeline.kafka.createConsumer({
      groupId: `${pipeline.runId}-partitions`,
      topics: [topic],
      fromBeginning: true,
      handle: async (batch) => {
        for (const record of batch.records) {
          const decoded = decodeReadingsRecord(record.value);
          if (decoded.ok) for (const { reading } of decoded.readings) seen.push({ meterId: reading.meterId, partition: batch.partition });
        }
      },
    });
    const of = (prefix: string) => seen.filter((s) => s.meterId.startsWith(`${prefix}-`));
    await waitFor('every reading on the topic', () => Promise.resolve(seen.length), (n) => n >= 2 * meters * perMeter, 60_000);

    for (const s of of(`${pipeline.runId}-a`)) expect(s.partition).toBe(defaultPartitionOf(s.meterId, before));
    const later = of(`${pipeline.runId}-b`);
    for (const s of later) expect(s.partition).toBe(defaultPartitionOf(s.meterId, after));
    // The new partitions are in use: with the old count, none of these meters would be there.
    expect(later.some((s) => s.partition >= before)).toBe(true);
  });
});
