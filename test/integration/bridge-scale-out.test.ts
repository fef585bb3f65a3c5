import { createBridge, type Bridge } from '../../bridge/bridge';
import { bridgeOptionsFromConfig } from '../../bridge/bridge-options';
import { loadConfig } from '../../core/config';
import { questdbTables } from '../../core/contracts';
import { silentLogger } from '../../core/logger';
import { mqttTlsUrl } from '../../deploy/stack/mosquitto-client';
import { mosquittoTlsFiles } from '../../deploy/stack/mosquitto-tls';
import { loadStackOptions } from '../../deploy/stack/stack-options';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { metricValue } from './support/metric-value';
import { createTestPipeline, fleetMqtt, storedReadings, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Two bridge instances in one MQTT share group split the device messages: each message goes
// to one of them, so every reading lands once (and DEDUP would absorb a redelivery anyway).
const meters = 40;
const perMeter = 250;
const total = meters * perMeter;

describe('two bridges sharing one subscription (one of them over TLS)', () => {
  let pipeline: TestPipeline;
  let second: Bridge | null = null;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
  });

  afterAll(async () => {
    await second?.stop();
    await pipeline?.stopAll();
  });

  it('stores every reading exactly once, and both instances carried part of the load', async () => {
    const first = await pipeline.startBridge();
    // The second instance connects over TLS (the stack's listener, its dev CA): same broker, same group.
    const stack = loadStackOptions();
    second = await createBridge(
      bridgeOptionsFromConfig(
        loadConfig({ ...process.env, ...pipeline.env, MF_BRIDGE_ID: `${pipeline.runId}-bridge-2`, MF_MQTT_URL: mqttTlsUrl(stack), MF_MQTT_CA_FILE: mosquittoTlsFiles(stack.stackDir).caCert }),
        silentLogger,
      ),
    );
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters,
      profile: 'water',
      prefix: pipeline.runId,
      sectors: 2,
      intervalMs: 1000,
      readingsPerMeter: perMeter,
      ratePerSecond: 0,
      batchSize: 1,
      maxInFlight: 500,
      seed: 11,
    });
    expect(await fleet.done).toMatchObject({ published: total, failed: 0 });

    const count = () => storedReadings(pipeline, pipeline.runId);
    await waitFor('all readings in QuestDB', count, (c) => c.pairs >= total, 120_000);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await count()).toEqual({ n: total, pairs: total });

    const producedBy = async (bridge: Bridge) => metricValue(await bridge.metrics.render(), 'meterflow_bridge_records_produced_total', 'topic="readings"');
    const [a, b] = [await producedBy(first), await producedBy(second)];
    expect(a + b).toBe(total); // no redelivery happened, so no message went through both
    expect(Math.min(a, b)).toBeGreaterThan(total * 0.2);
  });
});
