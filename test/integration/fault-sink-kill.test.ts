import { childMetric, killChild, lateReadings, sendTicks, settledReadings, settledRollingAverages, startFaultFleet, startServiceChild, faultProcessorsEnv, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, storedReadings, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// kill -9 of the raw-readings sink while readings stream in: it commits offsets only after
// QuestDB took the rows, so a restart re-reads what was not committed, and DEDUP keys absorb
// the rows written twice. The processors, on their own groups, never notice.
describe('fault: raw-readings sink killed with SIGKILL mid-stream', () => {
  let pipeline: TestPipeline;
  let sink: ServiceChild | null = null;
  let processors: ServiceChild | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
  });

  afterAll(async () => {
    await sink?.child.stop();
    await processors?.child.stop();
    await pipeline?.stopAll();
  });

  it('stores every reading exactly once and the rolling averages equal a clean recomputation', async () => {
    const group = `${pipeline.runId}-proc`;
    sink = await startServiceChild('sink', pipeline);
    processors = await startServiceChild('processors', pipeline, { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group });
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 300, ratePerSecond: 400, seed: 11 });

    // Twice: once early, once late in the run.
    for (const share of [0.25, 0.6]) {
      await waitFor(`${share * 100} % stored`, () => storedReadings(pipeline, prefix), (c) => c.n >= fleet.total * share, 90_000, 100);
      const written = await childMetric(sink, 'meterflow_sink_rows_written_total{table="readings"}');
      await killChild(sink);
      sink = await startServiceChild('sink', pipeline, {}, sink.port);
      process.stderr.write(`[fault] sink killed after ${written} rows written, restarted\n`);
    }

    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    expect(await settledReadings(pipeline, prefix, fleet.total)).toEqual({ n: fleet.total, pairs: fleet.total });
    // Only now, when every reading is in Kafka ahead of them, push the watermarks past the end.
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs);

    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
  }, 300_000);
});
