import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { MeterflowError } from '../errors';
import type { MqttTls } from './mqtt-tls';

export interface MqttConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** false = persistent session: the broker keeps subscriptions and queues QoS 1 messages while we are away. */
  clean: boolean;
  /** MQTT v5 session expiry; only meaningful with clean = false. */
  sessionExpirySeconds?: number;
  /** MQTT v5 receive maximum: unacknowledged QoS 1 messages the broker may send us. */
  receiveMaximum?: number;
  /** MQTT v5 maximum packet size we accept; the broker does not send us larger packets [MQTT-3.1.2-24]. */
  maximumPacketSize?: number;
  /** Fail instead of retrying when the first connection attempt fails. */
  connectTimeoutMs?: number;
  /**
   * Installs message handling before the socket opens. A resumed session's queued messages can
   * arrive in the same read as the CONNACK, before an `await connectMqtt()` returns; without a
   * handler mqtt.js would acknowledge them unseen and they would be lost.
   */
  setup?: (client: MqttClient) => void;
  /** CA / client certificate for mqtts:// URLs (mqttTlsFromConfig reads them from MF_MQTT_*_FILE). */
  tls?: MqttTls;
}

/** Connects with MQTT v5 and resolves on the first CONNACK; refuses with a clear error otherwise. */
export async function connectMqtt(options: MqttConnectionOptions): Promise<MqttClient> {
  const clientOptions: IClientOptions = {
    protocolVersion: 5,
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: options.clean,
    ...options.tls,
    reconnectPeriod: 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // The broker, not mqtt.js, is the source of truth for redelivery in a persistent session.
    resubscribe: options.clean,
    properties: {
      ...(options.clean ? {} : { sessionExpiryInterval: options.sessionExpirySeconds ?? 604800 }),
      ...(options.receiveMaximum ? { receiveMaximum: options.receiveMaximum } : {}),
      ...(options.maximumPacketSize ? { maximumPacketSize: options.maximumPacketSize } : {}),
    },
  };
  const client = mqtt.connect(options.url, clientOptions);
  options.setup?.(client); // the socket connects asynchronously: nothing has arrived yet
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      client.end(true);
      reject(new MeterflowError('MQTT_UNAVAILABLE', `cannot connect to MQTT at ${options.url} as "${options.username ?? '(anonymous)'}": ${error.message}`, { retriable: true, cause: error }));
    };
    const timer = setTimeout(() => fail(new Error(`no CONNACK within ${clientOptions.connectTimeout} ms`)), clientOptions.connectTimeout);
    client.once('connect', () => {
      clearTimeout(timer);
      client.removeListener('error', onError);
      resolve();
    });
    const onError = (error: Error) => {
      clearTimeout(timer);
      fail(error);
    };
    client.once('error', onError);
  });
  return client;
}
