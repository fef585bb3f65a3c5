import { childMetric, faultProcessorsEnv, lateReadings, sendTicks, settledReadings, settledRollingAverages, sleep, startFaultFleet, startServiceChild, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

const processed = 'meterflow_processors_records_processed_total{processor="rolling-averages"}';
const sessionTimeoutMs = 30_000; // kafkajs' default; core/kafka sets none

// As fault-processor-sigstop.test.ts, then the partitions go back to the thawed member: the
// other member stops, so the thawed one restores every partition from processor_state. A
// checkpoint the thawed member wrote from its stale state (after SIGCONT, before it noticed
// the rebalance) must not be what it restores.
describe('fault: a processor frozen past its session timeout, thawed, then given the partitions back', () => {
  let pipeline: TestPipeline;
  const members: ServiceChild[] = [];

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    await pipeline.startSink();
  });

  afterAll(async () => {
    for (const m of members) {
      m.child.process.kill('SIGCONT');
      await m.child.stop();
    }
    await pipeline?.stopAll();
  });

  it('restores fresh state, and the outputs equal a clean recomputation', async () => {
    const group = `${pipeline.runId}-proc`;
    // Long lateness (as in the soak): every window stays open, so all state lives in the checkpoints.
    const env = { ...faultProcessorsEnv, MF_PROCESSORS_LATENESS_MS: String(6 * 3_600_000), MF_PROCESSORS_FLUSH_RECORDS: '20000', MF_PROCESSORS_FLUSH_INTERVAL_MS: '500', MF_PROCESSORS_GROUP_ID: group };
    members.push(await startServiceChild('processors', pipeline, env), await startServiceChild('processors', pipeline, env));
    const [frozen, other] = members as [ServiceChild, ServiceChild];
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 700, ratePerSecond: 400, seed: 17 });

    await waitFor('both members processing', async () => [await childMetric(frozen, processed), await childMetric(other, processed)], ([a, b]) => a! > 1000 && b! > 1000, 90_000, 100);
    frozen.child.process.kill('SIGSTOP');
    await sleep(sessionTimeoutMs + 10_000);
    frozen.child.process.kill('SIGCONT');
    await sleep(15_000);
    await other.child.stop(); // every partition goes to the thawed member, restored from processor_state

    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    expect(await settledReadings(pipeline, prefix, fleet.total)).toEqual({ n: fleet.total, pairs: fleet.total });
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs, 6 * 3_600_000);
    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
  }, 300_000);
});
