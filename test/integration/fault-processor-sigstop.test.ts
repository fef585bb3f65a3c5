import { childMetric, faultProcessorsEnv, lateReadings, sendTicks, settledReadings, settledRollingAverages, sleep, startFaultFleet, startServiceChild, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

const processed = 'meterflow_processors_records_processed_total{processor="rolling-averages"}';
// kafkajs' default consumer session timeout (core/kafka/kafka-client.ts sets none).
const sessionTimeoutMs = 30_000;

// Two processor instances share the group; one is frozen (SIGSTOP) past its session timeout,
// so the group moves its partitions to the other, which restores their state from the last
// checkpoint. Then it is thawed (SIGCONT) with its old in-memory state and a flush in hand:
// whatever it writes then must not change any result (no stale rows, no stale checkpoint
// that a later owner would restore).
describe('fault: a processor frozen with SIGSTOP past its session timeout, then SIGCONT', () => {
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

  it('another member takes over, and after the thaw the outputs are still exactly right', async () => {
    const group = `${pipeline.runId}-proc`;
    const env = { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group };
    members.push(await startServiceChild('processors', pipeline, env), await startServiceChild('processors', pipeline, env));
    const [frozen, other] = members as [ServiceChild, ServiceChild];
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 400, ratePerSecond: 200, seed: 15 });

    // Both members have work before the freeze.
    await waitFor('both members processing', async () => [await childMetric(frozen, processed), await childMetric(other, processed)], ([a, b]) => a! > 500 && b! > 500, 90_000, 200);
    frozen.child.process.kill('SIGSTOP');
    const otherBefore = await childMetric(other, processed);
    await sleep(sessionTimeoutMs + 10_000);
    // The group moved on: the other member now handles the frozen member's partitions too.
    const otherDuring = await childMetric(other, processed);
    const restores = await childMetric(other, 'meterflow_processors_partition_restores_total{processor="rolling-averages"}');
    frozen.child.process.kill('SIGCONT');
    process.stderr.write(`[fault] frozen ${sessionTimeoutMs / 1000 + 10} s; the other member processed ${otherDuring - otherBefore} meanwhile, restores ${restores}\n`);
    expect(otherDuring - otherBefore).toBeGreaterThan(0);

    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    expect(await settledReadings(pipeline, prefix, fleet.total)).toEqual({ n: fleet.total, pairs: fleet.total });
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs);
    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
    // The thawed member is alive and back in the group (it was not left wedged).
    expect(frozen.child.process.exitCode).toBeNull();
    expect((await fetch(`${frozen.url}/health`)).ok).toBe(true);
  }, 300_000);
});
