import { questdbTables } from '../../core/contracts';
import { faultProcessorsEnv, killStackServer, lateReadings, restartStackServer, sendTicks, settledReadings, settledRollingAverages, sleep, startFaultFleet, startServiceChild, stackServerPid, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, storedReadings, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// kill -9 of QuestDB while the sink and the processors write to it: every writer keeps its
// offsets uncommitted until QuestDB has taken the rows, retries while it is away, and replays
// into DEDUP keys once it is back. QuestDB itself recovers its WAL (committed transactions are
// applied, nothing is suspended).
describe('fault: QuestDB killed with SIGKILL mid-stream', () => {
  let pipeline: TestPipeline;
  let sink: ServiceChild | null = null;
  let processors: ServiceChild | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
  });

  afterAll(async () => {
    if (stackServerPid('questdb') === undefined) await restartStackServer('questdb'); // leave the stack whole
    await sink?.child.stop();
    await processors?.child.stop();
    await pipeline?.stopAll();
  }, 180_000);

  it('stores every reading exactly once and the rolling averages equal a clean recomputation', async () => {
    const group = `${pipeline.runId}-proc`;
    sink = await startServiceChild('sink', pipeline);
    processors = await startServiceChild('processors', pipeline, { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group });
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 300, ratePerSecond: 400, seed: 12 });

    await waitFor('30 % stored', () => storedReadings(pipeline, prefix), (c) => c.n >= fleet.total * 0.3, 90_000, 100);
    await killStackServer('questdb');
    await sleep(3_000); // writers fail and retry meanwhile
    await restartStackServer('questdb');

    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    expect(await settledReadings(pipeline, prefix, fleet.total)).toEqual({ n: fleet.total, pairs: fleet.total });
    // Only now, when every reading is in Kafka ahead of them, push the watermarks past the end.
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs);

    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
    // No table was left suspended by the crash.
    const { rows } = await pipeline.questdb.query<{ name: string }>(`SELECT name FROM wal_tables() WHERE suspended`);
    expect(rows.map((r) => r.name).filter((n) => Object.values(questdbTables).some((t) => t.name === n))).toEqual([]);
  }, 300_000);
});
