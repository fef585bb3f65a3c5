import type { MqttClient } from 'mqtt';
import { mqttTopics, parseDeviceTopic } from '../../core/contracts';
import { deriveMeterSecret } from '../../core/security/meter-secrets';
import { createMeterFirmware, type MeterFirmware } from './meter-firmware';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { createSimulatedMeter, type ProfileName, type SimulatedMeter } from './meter-profiles';
import { createEdgeSummarizer, type EdgeSummarizer } from './edge-summarizer';
import { createFridgeThermometer, type FridgeOptions } from './temperature-profile';
import { createRandom } from '../../core/seeded-random';

export interface FleetOptions {
  mqtt: { url: string; username: string; password: string };
  /** @default 20 */
  meters: number;
  /** @default 'mixed' (alternating water and electricity) */
  profile: ProfileName;
  /** Meter ids are `<prefix>-w-0001`, `<prefix>-e-0002`… @default 'sim' */
  prefix: string;
  /** Sectors the meters are spread over. @default 4 */
  sectors: number;
  /** Event-time spacing between one meter's readings. @default 1000 */
  intervalMs: number;
  /** Readings per meter; null runs until stopped. */
  readingsPerMeter: number | null;
  /**
   * Publish rate over the whole fleet, readings/s; 0 = as fast as the broker takes them.
   * @default meters * 1000 / intervalMs (real time)
   */
  ratePerSecond: number;
  /** Readings per MQTT message: 1 publishes on meters/<id>/readings, more sends gateway batches. @default 1 */
  batchSize: number;
  /** Unacknowledged QoS 1 publishes allowed at once. @default 500 */
  maxInFlight: number;
  /** @default 1 */
  seed: number;
  /** Event time of every meter's first reading. @default now − readingsPerMeter × intervalMs (all in the past), or now */
  startTs?: number;
  onProgress?(published: number): void;
  /**
   * Obey commands: the fleet's connection (a gateway account) also reads `meters/+/commands`,
   * runs the reference firmware per meter (signature, replay, expiry checks) and answers on
   * each meter's ack topic; a blocked meter reports zero flow. Needs the master key the
   * per-meter signing secrets derive from.
   */
  commands?: { masterKey: string };
  /**
   * Edge-statistics mode: each meter summarises its own readings per aligned interval of this
   * length and publishes the summaries (count, min, max, mean) on meters/<id>/stats instead of
   * the readings; only complete intervals are sent. `published` still counts readings (samples).
   */
  edgeStatsIntervalMs?: number;
  /** The temperature profile's fridges; `failureAtTs` makes the first one fail from then on. */
  fridge?: FridgeOptions;
}

export interface FleetRun {
  /** Resolves when every publish was acknowledged by the broker (QoS 1) or failed (counted in `failed`). */
  done: Promise<{ published: number; failed: number; messages: number; seconds: number }>;
  stop(): Promise<void>;
  meterIds: string[];
}

/** Publishes a simulated fleet's readings over MQTT (QoS 1), paced, with bounded in-flight publishes. */
export async function runFleet(options: FleetOptions): Promise<FleetRun> {
  const random = createRandom(options.seed);
  const meters: SimulatedMeter[] = Array.from({ length: options.meters }, (_, i) => {
    const kind = options.profile === 'mixed' ? (i % 2 === 0 ? 'water' : 'electricity') : options.profile;
    const id = `${options.prefix}-${kind === 'water' ? 'w' : kind === 'electricity' ? 'e' : 't'}-${String(i + 1).padStart(4, '0')}`;
    const sector = `sector-${(i % options.sectors) + 1}`;
    if (kind === 'temperature') {
      // Only the first fridge fails, so a run shows one failure among healthy ones.
      const { failureAtTs, ...rest } = options.fridge ?? {};
      return createFridgeThermometer(id, sector, random, i === 0 && failureAtTs !== undefined ? { ...rest, failureAtTs } : rest);
    }
    return createSimulatedMeter(id, kind, sector, random);
  });
  const byId = new Map(meters.map((m) => [m.meterId, m]));
  const firmware = new Map<string, MeterFirmware>();
  const commandsOptions = options.commands;
  const obey = (c: MqttClient, topic: string, payload: Buffer) => {
    if (!commandsOptions) return;
    const route = parseDeviceTopic(topic.replace(/\/commands$/, '/acks'));
    const meter = route?.type === 'command-ack' ? byId.get(route.meterId) : undefined;
    if (!meter) return; // another fleet's meter
    let fw = firmware.get(meter.meterId);
    if (!fw) {
      const secret = deriveMeterSecret(commandsOptions.masterKey, meter.meterId, 'command-signing');
      firmware.set(meter.meterId, (fw = createMeterFirmware({ meterId: meter.meterId, commandTopic: mqttTopics.command(meter.meterId), signingSecret: secret })));
    }
    const { ack } = fw.receive(topic, payload);
    meter.blocked = fw.state.blocked;
    void c.publishAsync(mqttTopics.commandAck(meter.meterId), JSON.stringify(ack), { qos: 1 }).catch(() => undefined);
  };
  const client: MqttClient = await connectMqtt({
    url: options.mqtt.url,
    username: options.mqtt.username,
    password: options.mqtt.password,
    clientId: `meterflow-sim-${options.prefix}-${process.pid}-${Math.floor(random() * 1e9)}`,
    clean: true,
    setup: (c) => c.on('message', (topic, payload) => obey(c, topic, payload)),
  });
  if (commandsOptions) await client.subscribeAsync('meters/+/commands', { qos: 1 });

  const total = options.readingsPerMeter === null ? Infinity : options.readingsPerMeter * options.meters;
  const startTs = options.startTs ?? Date.now() - (options.readingsPerMeter ?? 0) * options.intervalMs;
  let stopped = false;
  let published = 0;
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const release = () => {
    inFlight -= 1;
    wake?.();
  };

  /** The fleet's messages in event-time order: every meter's k-th reading, then the (k+1)-th. */
  function* messages(): Generator<{ topic: string; payload: string; count: number }> {
    const gatewayTopic = mqttTopics.gatewayBatch(`${options.prefix}-gw`);
    const batch: object[] = [];
    const flush = (count: number) => ({ topic: gatewayTopic, payload: JSON.stringify({ readings: batch.splice(0) }), count });
    let emitted = 0;
    const summarizers = new Map<string, EdgeSummarizer>();
    for (let k = 0; emitted < total; k += 1) {
      const ts = startTs + k * options.intervalMs;
      for (const meter of meters) {
        if (emitted >= total) break;
        const reading = meter.next(ts, options.intervalMs);
        emitted += 1;
        if (options.edgeStatsIntervalMs !== undefined) {
          let summarizer = summarizers.get(meter.meterId);
          if (!summarizer) summarizers.set(meter.meterId, (summarizer = createEdgeSummarizer(options.edgeStatsIntervalMs)));
          const stats = summarizer.add(reading);
          if (stats) yield { topic: mqttTopics.edgeStats(meter.meterId), payload: JSON.stringify(stats), count: stats.count };
        } else if (options.batchSize <= 1) yield { topic: mqttTopics.reading(meter.meterId), payload: JSON.stringify(reading), count: 1 };
        else {
          batch.push({ meterId: meter.meterId, ...reading });
          if (batch.length >= options.batchSize) yield flush(options.batchSize);
        }
      }
    }
    if (batch.length > 0) yield flush(batch.length);
  }

  const run = async () => {
    const began = Date.now();
    for (const message of messages()) {
      if (stopped) break;
      while (inFlight >= options.maxInFlight) await new Promise<void>((r) => (wake = r));
      if (options.ratePerSecond > 0) {
        const wait = began + ((published + message.count) / options.ratePerSecond) * 1000 - Date.now();
        if (wait > 5) await new Promise((r) => setTimeout(r, wait));
      }
      inFlight += 1;
      client.publishAsync(message.topic, message.payload, { qos: 1 }).then(release, () => {
        failed += message.count;
        release();
      });
      published += message.count;
      sent += 1;
      if (published % 10_000 < message.count) options.onProgress?.(published);
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
    const seconds = (Date.now() - began) / 1000;
    await client.endAsync();
    return { published: published - failed, failed, messages: sent, seconds };
  };

  const done = run();
  return {
    done,
    meterIds: meters.map((m) => m.meterId),
    async stop() {
      stopped = true;
      await done;
    },
  };
}
