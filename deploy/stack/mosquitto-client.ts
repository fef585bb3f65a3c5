import { connect, type IClientOptions } from 'mqtt';
import type { StackOptions } from './stack-options';

/** How the stack reaches its own Mosquitto: its URLs and a one-shot login probe. */

export function mqttUrl(options: StackOptions): string {
  return `mqtt://127.0.0.1:${options.mqtt.port}`;
}

export function mqttTlsUrl(options: StackOptions): string {
  return `mqtts://127.0.0.1:${options.mqtt.tlsPort}`;
}

export type ProbeLogin = Pick<IClientOptions, 'username' | 'password' | 'ca'>;

/** Resolves true if the broker accepted the connection, false if it refused it; rejects if unreachable. */
export function tryConnect(url: string, login: ProbeLogin): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const client = connect(url, {
      ...login,
      protocolVersion: 4,
      clientId: `meterflow-stack-probe-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      clean: true,
    });
    const finish = (outcome: () => void) => {
      client.end(true);
      outcome();
    };
    client.once('connect', () => finish(() => resolve(true)));
    client.on('error', (error: Error & { code?: string | number }) => {
      // CONNACK return codes 4 (bad user name or password) and 5 (not authorized).
      if (error.code === 4 || error.code === 5) finish(() => resolve(false));
      else finish(() => reject(error));
    });
    client.on('close', () => finish(() => reject(new Error(`no MQTT connection to ${url}`))));
  });
}
