import { questdbTables } from '../../core/contracts';
import { startChildService, waitForHealth, type ChildService } from '../../deploy/child-service';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { createTestPipeline, fleetMqtt, storedReadings, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The bridge acknowledges a QoS 1 message only after Kafka has it, over a persistent session:
// kill -9 in the middle of a run loses nothing (the broker redelivers what was not
// acknowledged), and the duplicates that redelivery causes are absorbed by DEDUP keys.
const meters = 50;
const perMeter = 1000;
const total = meters * perMeter;

describe('bridge stopped mid-run', () => {
  let pipeline: TestPipeline;
  let bridge: ChildService | null = null;
  const port = 18400 + Math.floor(Math.random() * 500);

  const startBridge = async () => {
    bridge = startChildService('bridge', 'bridge/cli.ts', {
      MF_KAFKA_TOPIC_PREFIX: pipeline.config.string('MF_KAFKA_TOPIC_PREFIX'),
      MF_BRIDGE_ID: `${pipeline.runId}-bridge`, // same id after the restart: the session resumes
      MF_BRIDGE_SHARE_GROUP: pipeline.config.string('MF_BRIDGE_SHARE_GROUP'),
      MF_BRIDGE_COMMAND_GROUP: pipeline.config.string('MF_BRIDGE_COMMAND_GROUP'),
      MF_BRIDGE_SESSION_EXPIRY_S: pipeline.config.string('MF_BRIDGE_SESSION_EXPIRY_S'),
      MF_BRIDGE_HTTP_PORT: String(port),
      MF_LOG_LEVEL: 'warn',
    });
    await waitForHealth(`http://127.0.0.1:${port}/health`);
  };
  const producedByBridge = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/meterflow_bridge_records_produced_total\{topic="readings"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
  });

  afterAll(async () => {
    await bridge?.stop();
    await pipeline?.stopAll();
  });

  it('stores every reading exactly once after a kill -9 and restart', async () => {
    await startBridge();
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters,
      profile: 'water',
      prefix: pipeline.runId,
      sectors: 2,
      intervalMs: 1000,
      readingsPerMeter: perMeter,
      ratePerSecond: 5000, // ~10 s of publishing, so the kill lands mid-run
      batchSize: 1,
      maxInFlight: 200,
      seed: 3,
    });
    // Kill once about 30 % has gone through the bridge.
    await waitFor('30% through the bridge', producedByBridge, (n) => n >= total * 0.3, 60_000, 20);
    bridge!.process.kill('SIGKILL');
    await bridge!.exited;
    await startBridge();
    const published = await fleet.done;
    expect(published).toMatchObject({ published: total, failed: 0 });

    const count = () => storedReadings(pipeline, pipeline.runId);
    await waitFor('all readings in QuestDB', count, (c) => c.pairs >= total, 120_000);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    // 0 missing (every (meter, ts) pair is there) and 0 doubled (one row per pair).
    expect(await count()).toEqual({ n: total, pairs: total });
  });

  it('drains on SIGTERM: exits 0 promptly, and after a restart every reading is stored exactly once', async () => {
    const prefix = `${pipeline.runId}-term`;
    const termTotal = 20 * 500;
    await bridge?.stop(); // the previous test's bridge
    await startBridge();
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters: 20,
      profile: 'water',
      prefix,
      sectors: 1,
      intervalMs: 1000,
      readingsPerMeter: 500,
      ratePerSecond: 2500,
      batchSize: 1,
      maxInFlight: 200,
      seed: 4,
    });
    const before = await producedByBridge();
    await waitFor('a third through the bridge', producedByBridge, (n) => n - before >= termTotal / 3, 60_000, 20);
    const stoppedAt = Date.now();
    bridge!.process.kill('SIGTERM');
    expect(await bridge!.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await startBridge();
    expect(await fleet.done).toMatchObject({ published: termTotal, failed: 0 });
    const count = () => storedReadings(pipeline, prefix);
    await waitFor('all readings in QuestDB', count, (c) => c.pairs >= termTotal, 120_000);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await count()).toEqual({ n: termTotal, pairs: termTotal });
  });
});
