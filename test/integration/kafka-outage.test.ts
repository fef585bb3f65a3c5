import { questdbTables } from '../../core/contracts';
import { startStack, stopStack } from '../../deploy/stack/stack';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { metricValue } from './support/metric-value';
import { createTestPipeline, fleetMqtt, storedReadings, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Kafka goes away for 30 s in the middle of a run. The bridge keeps what it has unacknowledged
// (held back, visible in /metrics), the broker queues the rest in the bridge's session, and
// when Kafka is back everything flows: nothing lost, nothing doubled.
const meters = 50;
const perMeter = 300;
const total = meters * perMeter;
const outageMs = 30_000;
const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);

describe('Kafka unavailable for 30 s during a run', () => {
  let pipeline: TestPipeline;
  let kafkaDown = false;

  beforeAll(async () => {
    // /health turns 503 after 3 s of records held back: the outage must show there.
    pipeline = createTestPipeline({ MF_BRIDGE_STUCK_AFTER_MS: '3000' });
    await pipeline.startSink();
    await pipeline.startBridge();
  });

  afterAll(async () => {
    if (kafkaDown) await startStack({ only: ['kafka'], log }); // leave the stack whole for the next file
    await pipeline?.stopAll();
  }, 120_000);

  it('holds back, recovers by itself, and stores every reading exactly once', async () => {
    const bridge = pipeline.bridge!;
    const heldBack = async () => metricValue(await bridge.metrics.render(), 'meterflow_bridge_messages_in_flight');
    const samples: { at: number; held: number }[] = [];
    const sampler = setInterval(() => {
      const at = Date.now();
      void heldBack().then((held) => samples.push({ at, held }));
    }, 200);
    const healthSamples: { at: number; status: number }[] = [];
    const healthSampler = setInterval(() => {
      const at = Date.now();
      void fetch(`http://127.0.0.1:${bridge.httpPort}/health`).then((res) => healthSamples.push({ at, status: res.status }), () => undefined);
    }, 500);

    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters,
      profile: 'water',
      prefix: pipeline.runId,
      sectors: 2,
      intervalMs: 1000,
      readingsPerMeter: perMeter,
      ratePerSecond: 300, // ~50 s of publishing: before, during and after the outage
      batchSize: 1,
      maxInFlight: 100,
      seed: 5,
    });
    try {
      await new Promise((r) => setTimeout(r, 5_000));
      await stopStack({ only: ['kafka'], log });
      kafkaDown = true;
      const downAt = Date.now();
      await new Promise((r) => setTimeout(r, outageMs));
      const upAt = Date.now();
      await startStack({ only: ['kafka'], log });
      kafkaDown = false;

      // Devices never noticed: the MQTT broker took every publish.
      expect(await fleet.done).toMatchObject({ published: total, failed: 0 });
      const count = () => storedReadings(pipeline, pipeline.runId);
      await waitFor('all readings in QuestDB after the outage', count, (c) => c.pairs >= total, 180_000, 500);
      await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
      expect(await count()).toEqual({ n: total, pairs: total });

      // The held-back figure rose while Kafka was away (up to the MQTT receive maximum) and fell to 0.
      await waitFor('nothing held back', async () => heldBack(), (n) => n === 0, 30_000);
      // The bridge said it was stuck while Kafka was away, and healthy again once it drained.
      const healthDuring = healthSamples.filter((h) => h.at > downAt + 10_000 && h.at < upAt).map((h) => h.status);
      expect(healthDuring.length).toBeGreaterThan(10);
      expect(healthDuring.every((status) => status === 503)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${bridge.httpPort}/health`)).status).toBe(200);
      const during = samples.filter((s) => s.at > downAt + 2_000 && s.at < upAt).map((s) => s.held);
      expect(Math.max(...during)).toBeGreaterThan(0);
      expect(Math.max(...during)).toBeLessThanOrEqual(pipeline.config.int('MF_BRIDGE_RECEIVE_MAXIMUM'));
      expect(metricValue(await bridge.metrics.render(), 'meterflow_bridge_records_produced_total', 'topic="readings"')).toBeGreaterThanOrEqual(total);
    } finally {
      clearInterval(sampler);
      clearInterval(healthSampler);
    }
  }, 300_000);
});
