import { metricValue } from './support/metric-value';
import { faultProcessorsEnv, killStackServer, lateReadings, restartStackServer, sendTicks, settledReadings, settledRollingAverages, sleep, startFaultFleet, startServiceChild, stackServerPid, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// kill -9 of the (single) Kafka broker mid-stream: no controlled shutdown, the log is recovered
// at restart. The bridge holds what Kafka has not acknowledged (the MQTT broker queues the
// rest), the consumers rejoin their groups; nothing is lost, and nothing counts twice: not in
// `readings`, and not in the processors' windows.
describe('fault: Kafka broker killed with SIGKILL mid-stream', () => {
  let pipeline: TestPipeline;
  let processors: ServiceChild | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    await pipeline.startSink();
  });

  afterAll(async () => {
    if (stackServerPid('kafka') === undefined) await restartStackServer('kafka'); // leave the stack whole
    await processors?.child.stop();
    await pipeline?.stopAll();
  }, 180_000);

  it('stores every reading exactly once and the rolling averages equal a clean recomputation', async () => {
    const group = `${pipeline.runId}-proc`;
    processors = await startServiceChild('processors', pipeline, { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group });
    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 40, perMeter: 300, ratePerSecond: 300, seed: 13 });
    const produced = async () => metricValue(await pipeline.bridge!.metrics.render(), 'meterflow_bridge_records_produced_total', 'topic="readings"');

    await waitFor('30 % through the bridge', produced, (n) => n >= fleet.total * 0.3, 90_000, 50);
    await killStackServer('kafka');
    await sleep(3_000);
    await restartStackServer('kafka');

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
