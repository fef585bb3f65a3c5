import { questdbTables } from '../../core/contracts';
import type { RawProducer } from '../../core/kafka';
import { startChildService, waitForHealth, type ChildService } from '../../deploy/child-service';
import { metricValue } from './support/metric-value';
import { minute, rollingFixture } from './support/rolling-fixture';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { readingsGroupId } from '../../processors/topology';

// kill -9 of the processors mid-run, a restart, a reset-and-replay of the same group, and a
// fresh group recomputing everything from the topic: the output tables never change.
describe('processors killed, restarted and replayed', () => {
  let pipeline: TestPipeline;
  let producer: RawProducer;
  let child: ChildService | null = null;
  const port = 18900 + Math.floor(Math.random() * 90);

  const start = async (group: string) => {
    child = startChildService('processors', 'processors/cli.ts', {
      ...pipeline.env,
      MF_PROCESSORS_GROUP_ID: group,
      MF_PROCESSORS_HTTP_PORT: String(port),
      MF_PROCESSORS_LATENESS_MS: String(5 * minute),
      MF_PROCESSORS_FLUSH_RECORDS: '1000',
      MF_PROCESSORS_FLUSH_INTERVAL_MS: '100',
      MF_GROUP_COMPARISON_INTERVAL_MS: '3600000',
      MF_LOG_LEVEL: 'warn',
    });
    await waitForHealth(`http://127.0.0.1:${port}/health`);
  };
  const metric = async (name: string) => metricValue(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), name, 'processor="rolling-averages"');
  const settled = async (group: string) => {
    await waitFor(`group ${group} caught up`, () => pipeline.kafka.groupLag(readingsGroupId(group), pipeline.topics.readings.name), (lag) => lag === 0, 120_000, 250);
    for (const table of [questdbTables.rollups.name, questdbTables.rollingAverages.name]) await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean);
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.kafka.ensureTopics([pipeline.topics.readings]);
    producer = await pipeline.kafka.createProducer();
  });

  afterAll(async () => {
    await child?.stop();
    await producer?.disconnect();
    await pipeline?.stopAll();
  });

  it('outputs after kill -9 + restart equal a reset replay and a fresh recomputation', async () => {
    const fixture = rollingFixture(pipeline.runId, { meters: 30, hours: 4, stepMs: 30_000 });
    const groupA = `${pipeline.runId}-a`;
    await start(groupA);
    const send = (list: typeof fixture.readings) => producer.sendBatch(list.map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
    const producing = (async () => {
      for (let i = 0; i < fixture.readings.length; i += 400) {
        await send(fixture.readings.slice(i, i + 400));
        await new Promise((r) => setTimeout(r, 60));
      }
    })();
    await waitFor('40 % processed', () => metric('meterflow_processors_records_processed_total'), (n) => n >= fixture.readings.length * 0.4, 60_000, 20);
    child!.process.kill('SIGKILL');
    await child!.exited;
    await start(groupA);
    await producing;
    await send(fixture.ticks);
    await fixture.waitComplete(pipeline.questdb);
    await settled(groupA);
    const afterCrash = await fixture.outputDigest(pipeline.questdb);
    expect(afterCrash.windows).toBeGreaterThan(0);
    // Every reading counted exactly once in the sector rollups: once in its 1-min and once in its 1-h bucket.
    expect(afterCrash.rollupCount).toBe(fixture.readings.length * 2);

    // Reset the group to the start and replay: every record is skipped by the checkpointed state.
    await child!.stop();
    await pipeline.kafka.resetGroupOffsets(readingsGroupId(groupA), pipeline.topics.readings.name);
    await start(groupA);
    await settled(groupA);
    expect(await metric('meterflow_processors_records_skipped_total')).toBeGreaterThanOrEqual(fixture.readings.length);
    expect(await fixture.outputDigest(pipeline.questdb)).toEqual(afterCrash);

    // A fresh group with no state recomputes everything (the uninterrupted run): same rows, same values.
    await child!.stop();
    await start(`${pipeline.runId}-b`);
    await settled(`${pipeline.runId}-b`);
    expect(await metric('meterflow_processors_records_processed_total')).toBe(fixture.readings.length + fixture.ticks.length);
    expect(await fixture.outputDigest(pipeline.questdb)).toEqual(afterCrash);
  }, 300_000);
});
