import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { MeterflowError } from '../errors';

/** TLS material for an mqtts:// connection (passed to mqtt.js, which hands it to Node's tls). */
export interface MqttTls {
  /** CA that signed the broker's certificate; without it Node trusts only its built-in CAs. */
  ca?: Buffer;
  /** Client certificate and key, for brokers that require one (mutual TLS). */
  cert?: Buffer;
  key?: Buffer;
}

type TlsVariable = 'MF_MQTT_CA_FILE' | 'MF_MQTT_CERT_FILE' | 'MF_MQTT_KEY_FILE';

/**
 * Reads MF_MQTT_CA_FILE, MF_MQTT_CERT_FILE and MF_MQTT_KEY_FILE (paths, relative to the working
 * directory) at startup, so a missing or wrong file fails the service there, naming the
 * variable, instead of surfacing later as an opaque TLS handshake error. Undefined when none
 * is set: plain mqtt://, or mqtts:// against a broker whose certificate a public CA signed.
 */
export function mqttTlsFromConfig(config: Config): MqttTls | undefined {
  const ca = readPem(config, 'MF_MQTT_CA_FILE');
  const cert = readPem(config, 'MF_MQTT_CERT_FILE');
  const key = readPem(config, 'MF_MQTT_KEY_FILE');
  // One without the other would only fail inside the TLS handshake.
  if (cert && !key) throw invalid('MF_MQTT_KEY_FILE', 'must be set when MF_MQTT_CERT_FILE is (the client certificate needs its private key)');
  if (key && !cert) throw invalid('MF_MQTT_CERT_FILE', 'must be set when MF_MQTT_KEY_FILE is (the private key needs its client certificate)');
  if (!ca && !cert) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

function readPem(config: Config, name: TlsVariable): Buffer | undefined {
  const file = config.string(name);
  if (file === '') return undefined;
  let content: Buffer;
  try {
    content = readFileSync(path.resolve(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    throw invalid(name, `= "${file}" ${reason}`, error);
  }
  // DER or a wrong file (a .csr, say) is caught here rather than as "bad decrypt" or similar.
  if (!content.includes('-----BEGIN ')) throw invalid(name, `= "${file}" is not a PEM file (no "-----BEGIN" line)`);
  return content;
}

function invalid(name: TlsVariable, problem: string, cause?: unknown): MeterflowError {
  return new MeterflowError('CONFIG_INVALID', `${name} ${problem}`, { cause });
}
