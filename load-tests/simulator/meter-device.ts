import type { MqttClient } from 'mqtt';
import { mqttTopics, type DeviceAck } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { deriveMeterSecret } from '../../core/security/meter-secrets';
import { createMeterFirmware, type MeterFirmware } from './meter-firmware';

export interface MeterDeviceOptions {
  url: string;
  meterId: string;
  /** Per-meter account: the meter id. A gateway account works too (the ACL decides). */
  username: string;
  password: string;
  /** Derives the meter's command-signing secret. */
  masterKey: string;
}

export interface MeterDevice {
  readonly meterId: string;
  readonly firmware: MeterFirmware;
  /** Raw command payloads as they arrived, oldest first. */
  readonly received: Buffer[];
  /** Answers sent, oldest first. */
  readonly acks: DeviceAck[];
  /** Publishes one water reading; a blocked meter reports zero flow (its valve is shut). */
  publishReading(ts: number, flowLpm: number): Promise<void>;
  /** Drops the connection but keeps the session: commands queue at the broker meanwhile. */
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One simulated meter on its own MQTT connection with a persistent session, running the
 * reference firmware: it verifies each command, applies it, and answers on its ack topic.
 */
export async function createMeterDevice(options: MeterDeviceOptions): Promise<MeterDevice> {
  const commandTopic = mqttTopics.command(options.meterId);
  const firmware = createMeterFirmware({ meterId: options.meterId, commandTopic, signingSecret: deriveMeterSecret(options.masterKey, options.meterId, 'command-signing') });
  const received: Buffer[] = [];
  const acks: DeviceAck[] = [];
  let client: MqttClient | null = null;

  const connect = async () => {
    client = await connectMqtt({
      url: options.url,
      username: options.username,
      password: options.password,
      clientId: `meter-${options.meterId}`,
      clean: false,
      sessionExpirySeconds: 3600,
      setup: (c) =>
        c.on('message', (topic, payload) => {
          received.push(payload);
          const { ack } = firmware.receive(topic, payload);
          acks.push(ack);
          void c.publishAsync(mqttTopics.commandAck(options.meterId), JSON.stringify(ack), { qos: 1 });
        }),
    });
    await client.subscribeAsync(commandTopic, { qos: 1 });
  };
  await connect();

  const live = () => {
    if (!client) throw new Error(`meter ${options.meterId} is offline`);
    return client;
  };
  return {
    meterId: options.meterId,
    firmware,
    received,
    acks,
    async publishReading(ts, flowLpm) {
      const value = firmware.state.blocked ? 0 : flowLpm;
      await live().publishAsync(mqttTopics.reading(options.meterId), JSON.stringify({ kind: 'water', ts, value }), { qos: 1 });
    },
    async goOffline() {
      await live().endAsync();
      client = null;
    },
    goOnline: connect,
    async close() {
      await client?.endAsync();
      client = null;
    },
  };
}
