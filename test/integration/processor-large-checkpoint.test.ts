import { questdbTables } from '../../core/contracts';
import { silentLogger } from '../../core/logger';
import { createMetrics } from '../../core/metrics';
import { ensureTables } from '../../core/questdb/questdb-sql';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import type { KeyedProcessor } from '../../processors/runtime/keyed-processor';
import { startTopologyRunner, type TopologyRunner } from '../../processors/runtime/topology-runner';
import { createReadingsTopology, processorStateOwner, readingsGroupId } from '../../processors/topology';
import { waterReading } from './support/processors-harness';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A checkpoint of every changed key can exceed what one ILP request may hold (the QuestDB client
// refuses to buffer more than 100 MB): 100,000 meters' state is hundreds of MB. Written as one
// request it could never succeed, so the partition would re-read and fail forever.
describe('a checkpoint larger than one ILP request', () => {
  let pipeline: TestPipeline;
  let runner: TopologyRunner | null = null;
  const keyChars = 256 * 1024;
  const meters = 450; // 450 x 256 KB = 115 MB of state in one checkpoint

  beforeAll(() => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    await runner?.stop();
    await pipeline?.stopAll();
  });

  it('is written in slices: every key is checkpointed and the offsets are committed', async () => {
    // One key per meter whose state is a quarter of a megabyte (bounded, but large, like a month of register history).
    const bulky: KeyedProcessor<{ pad: string; n: number }> = {
      name: 'bulky',
      keysOf: (r) => [r.meterId],
      init: () => ({ pad: 'x'.repeat(keyChars), n: 0 }),
      apply: (_key, state) => {
        state.n += 1;
      },
      advance: () => undefined,
      nextDue: () => null,
    };
    const prefix = `${pipeline.runId}-bulk`;
    await ensureTables(pipeline.questdb, [questdbTables.processorState, questdbTables.lateReadings]);
    const producer = await pipeline.kafka.createProducer();
    await pipeline.kafka.ensureTopics([pipeline.topics.readings]);
    const t0 = Date.now() - 60_000;
    const readings = Array.from({ length: meters }, (_, m) => waterReading(`${prefix}-m${m}`, t0 + m, { value: 1 }));
    for (let i = 0; i < readings.length; i += 100) await producer.sendBatch(readings.slice(i, i + 100).map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
    await producer.disconnect();

    runner = await startTopologyRunner({
      topology: createReadingsTopology({ groupIdPrefix: prefix, topics: pipeline.topics, processors: [bulky as KeyedProcessor<unknown>] }),
      kafka: { brokers: pipeline.config.list('MF_KAFKA_BROKERS') },
      questdb: { httpUrl: pipeline.config.string('MF_QUESTDB_HTTP_URL'), pg: questdbPgFromConfig(pipeline.config) },
      allowedLatenessMs: 0,
      flushRecords: 100_000, // every reading in one flush, so one checkpoint holds every key
      flushIntervalMs: 500,
      checkpointIntervalMs: 600_000, // only the caught-up checkpoint
      metrics: createMetrics('t'),
      logger: silentLogger,
    });
    await waitFor('the group committed every reading', () => pipeline.kafka.groupLag(readingsGroupId(prefix), pipeline.topics.readings.name), (lag) => lag === 0, 180_000, 500);
    expect(runner.failingForMs()).toBe(0);
    const owner = processorStateOwner(prefix, 'bulky');
    const rows = await waitFor(
      'every key checkpointed',
      async () => (await pipeline.questdb.query<{ n: string; shortest: string }>(`SELECT count() n, min(length(state)) shortest FROM ${questdbTables.processorState.name} WHERE processor = $1`, [owner])).rows[0],
      (r) => Number(r?.n) === meters,
      60_000,
      500,
    );
    expect(Number(rows!.shortest)).toBeGreaterThan(keyChars);
  }, 300_000);
});
