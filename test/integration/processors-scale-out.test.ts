import { questdbTables } from '../../core/contracts';
import { startTestProcessors } from './support/processors-harness';
import { rollingFixture } from './support/rolling-fixture';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { readingsGroupId } from '../../processors/topology';

// Two instances in one consumer group share the partitions; one leaves mid-run and its
// partitions, restored from their checkpoints, move to the other. The outputs must equal
// those of a single fresh instance recomputing everything.
describe('processors scaled out: a rebalance hands state over', () => {
  let pipeline: TestPipeline;
  const harnesses: Awaited<ReturnType<typeof startTestProcessors>>[] = [];

  beforeAll(async () => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    for (const h of harnesses) await h.stop().catch(() => undefined);
    await pipeline?.stopAll();
  });

  it('two instances, one leaving mid-run, produce the same tables as one fresh instance', async () => {
    const fixture = rollingFixture(pipeline.runId, { meters: 30, hours: 4, stepMs: 30_000 });
    const env = { MF_PROCESSORS_GROUP_ID: `${pipeline.runId}-scaled`, MF_PROCESSORS_LATENESS_MS: String(5 * 60_000) };
    const a = await startTestProcessors(pipeline, env);
    const b = await startTestProcessors(pipeline, env);
    harnesses.push(a, b);
    const half = Math.floor(fixture.readings.length / 2);
    await a.send(fixture.readings.slice(0, half));
    const group = readingsGroupId(`${pipeline.runId}-scaled`);
    await waitFor('first half consumed', () => pipeline.kafka.groupLag(group, pipeline.topics.readings.name), (lag) => lag === 0, 120_000, 250);
    const shared = [a, b].map((h) => h.processors.topology.partitions().length);
    await b.stop(); // leaves the group: its partitions go to a
    harnesses.splice(harnesses.indexOf(b), 1);
    await a.send([...fixture.readings.slice(half), ...fixture.ticks]);
    await fixture.waitComplete(pipeline.questdb);
    await waitFor('second half consumed', () => pipeline.kafka.groupLag(group, pipeline.topics.readings.name), (lag) => lag === 0, 120_000, 250);
    for (const table of [questdbTables.rollups.name, questdbTables.rollingAverages.name]) await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean);
    const scaled = await fixture.outputDigest(pipeline.questdb);
    // Both instances held partitions before one left.
    expect(shared.every((n) => n > 0)).toBe(true);
    expect(scaled.rollupCount).toBe(fixture.readings.length * 2);

    // A fresh group recomputing from the start writes the same keys with the same values.
    await a.stop();
    harnesses.splice(harnesses.indexOf(a), 1);
    const fresh = await startTestProcessors(pipeline, { MF_PROCESSORS_GROUP_ID: `${pipeline.runId}-fresh`, MF_PROCESSORS_LATENESS_MS: String(5 * 60_000) });
    harnesses.push(fresh);
    await waitFor('fresh group caught up', () => pipeline.kafka.groupLag(readingsGroupId(`${pipeline.runId}-fresh`), pipeline.topics.readings.name), (lag) => lag === 0, 120_000, 250);
    for (const table of [questdbTables.rollups.name, questdbTables.rollingAverages.name]) await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean);
    expect(await fixture.outputDigest(pipeline.questdb)).toEqual(scaled);
  }, 300_000);
});
