import { startStack, stopStack } from '../../deploy/stack/stack';
import { faultProcessorsEnv, lateReadings, restartStackServer, sendTicks, settledReadings, settledRollingAverages, sleep, startFaultFleet, startServiceChild, stackServerPid, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, storedReadings, type TestPipeline } from './support/test-services';

const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);

// Mosquitto restarted while it holds QoS 1 messages queued for the bridge's persistent session
// (the bridge is away): with persistence on, the queue survives the restart, and when the
// bridge reconnects with the same client id every message is delivered and stored once.
describe('fault: Mosquitto restarted with messages queued for the absent bridge', () => {
  let pipeline: TestPipeline;
  let processors: ServiceChild | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
  });

  afterAll(async () => {
    if (stackServerPid('mosquitto') === undefined) await restartStackServer('mosquitto');
    await processors?.child.stop();
    await pipeline?.stopAll();
  }, 120_000);

  it('delivers every queued message after the restart, each stored once', async () => {
    const group = `${pipeline.runId}-proc`;
    processors = await startServiceChild('processors', pipeline, { ...faultProcessorsEnv, MF_PROCESSORS_GROUP_ID: group });
    // The bridge subscribes once (creating its persistent session), then goes away.
    await pipeline.startBridge();
    await pipeline.bridge!.stop();
    pipeline.bridge = null;

    const prefix = `${pipeline.runId}-f`;
    const fleet = await startFaultFleet(pipeline, { prefix, meters: 20, perMeter: 200, ratePerSecond: 2000, seed: 14 });
    // The broker acknowledged every publish: from here on the readings exist only in its queue.
    expect(await fleet.run.done).toMatchObject({ published: fleet.total, failed: 0 });
    await sleep(1_000);
    expect(await storedReadings(pipeline, prefix)).toEqual({ n: 0, pairs: 0 });

    await stopStack({ only: ['mosquitto'], log }); // SIGTERM: Mosquitto writes its persistence file
    await startStack({ only: ['mosquitto'], log });
    await pipeline.startBridge(); // same MF_BRIDGE_ID: resumes the session

    expect(await settledReadings(pipeline, prefix, fleet.total, 120_000)).toEqual({ n: fleet.total, pairs: fleet.total });
    await sendTicks(pipeline, `${pipeline.runId}-tick`, fleet.lastTs);
    const diff = await settledRollingAverages(pipeline, group, prefix);
    expect(diff.expected).toBeGreaterThan(0);
    expect({ missing: diff.missing.slice(0, 5), extra: diff.extra.slice(0, 5), differing: diff.differing.slice(0, 5) }).toEqual({ missing: [], extra: [], differing: [] });
    expect(diff.actual).toBe(diff.expected);
    expect(await lateReadings(pipeline.questdb, prefix)).toBe(0);
  }, 300_000);
});
