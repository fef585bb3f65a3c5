import { childMetric, faultProcessorsEnv, killChild, lateReadings, sendTicks, settledReadings, settledRollingAverages, startFaultFleet, startServiceChild, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';


// bridge-crash.test.ts shows `readings` exact after a kill -9 of the bridge (DEDUP keys absorb
// the redelivered messages). The processors read the same topic: the messages Mosquitto
// redelivers after the kill reach Kafka twice, and every output must still count each
// reading once.
describe('fault: bridge killed with SIGKILL mid-stream, processor outputs', () => {
  let pipeline: TestPipeline;
  let bridge: ServiceChild | null = null;
  let processors: ServiceChild | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
  });

  afterAll(async () => {
    await bridge?.child.stop();
    await processors?.child.stop();
    await pipeline?.stopAll();
  });

  it('counts every redelivered reading once in the rolling averages', async () => {
    const group = `${pipeline.runId}-proc`;
    bridge = await startServiceChild('bridge', pipeline);
    processors = await startServiceChild('processors', pipeline, { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group });
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 300, ratePerSecond: 1000, seed: 16 });
    const produced = () => childMetric(bridge!, 'meterflow_bridge_records_produced_total{topic="readings"}');
    await waitFor('30 % through the bridge', produced, (n) => n >= fleet.total * 0.3, 90_000, 20);
    await killChild(bridge);
    bridge = await startServiceChild('bridge', pipeline, {}, bridge.port);

    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    expect(await settledReadings(pipeline, prefix, fleet.total)).toEqual({ n: fleet.total, pairs: fleet.total });
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs);
    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
  }, 300_000);
});
