import { ingestSubscriptions } from '../core/contracts';
import { connectMqtt } from '../core/mqtt/mqtt-connection';
import { runFleet, type FleetOptions } from './simulator/fleet-simulator';

/**
 * The yardstick of every ingest benchmark: the same publisher into a bare QoS 1 subscriber,
 * Mosquitto alone, in the same run. Returns readings/s from first publish to last receipt.
 */
export async function measureMosquittoAlone(fleet: FleetOptions, subscriber: { url: string; username: string; password: string; clientId: string }): Promise<number> {
  const expected = (fleet.readingsPerMeter ?? 0) * fleet.meters;
  const client = await connectMqtt({ ...subscriber, clean: true, receiveMaximum: 1000 });
  let received = 0;
  let last = 0;
  client.on('message', (topic, payload) => {
    if (!topic.includes(fleet.prefix)) return;
    received += fleet.batchSize === 1 ? 1 : (JSON.parse(payload.toString()) as { readings: unknown[] }).readings.length;
    last = Date.now();
  });
  await client.subscribeAsync([...ingestSubscriptions], { qos: 1 });
  const start = Date.now();
  await (await runFleet(fleet)).done;
  while (received < expected) await new Promise((r) => setTimeout(r, 20));
  await client.endAsync();
  return expected / ((last - start) / 1000);
}
