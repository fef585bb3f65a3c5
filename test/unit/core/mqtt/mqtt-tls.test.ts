import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../../core/config';
import { MeterflowError } from '../../../../core/errors';
import { mqttTlsFromConfig } from '../../../../core/mqtt/mqtt-tls';

const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;

describe('mqttTlsFromConfig', () => {
  let dir: string;
  let ca: string;
  let cert: string;
  let key: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mqtt-tls-'));
    ca = path.join(dir, 'ca.crt');
    cert = path.join(dir, 'client.crt');
    key = path.join(dir, 'client.key');
    writeFileSync(ca, pem('CERTIFICATE'));
    writeFileSync(cert, pem('CERTIFICATE'));
    writeFileSync(key, pem('PRIVATE KEY'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => mqttTlsFromConfig(loadConfig(env));
  const failure = (env: Record<string, string>): MeterflowError => {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(MeterflowError);
      return error as MeterflowError;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('is undefined when no file is configured (plain mqtt://, or a publicly signed broker)', () => {
    expect(load({})).toBeUndefined();
    expect(load({ MF_MQTT_CA_FILE: '', MF_MQTT_CERT_FILE: '', MF_MQTT_KEY_FILE: '' })).toBeUndefined();
  });

  it('reads the CA alone, or CA with client certificate and key, as buffers', () => {
    expect(load({ MF_MQTT_CA_FILE: ca })).toEqual({ ca: Buffer.from(pem('CERTIFICATE')) });
    const all = load({ MF_MQTT_CA_FILE: ca, MF_MQTT_CERT_FILE: cert, MF_MQTT_KEY_FILE: key });
    expect(all?.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(all?.cert?.toString()).toContain('BEGIN CERTIFICATE');
    expect(all?.key?.toString()).toContain('BEGIN PRIVATE KEY');
    expect(Object.keys(load({ MF_MQTT_CERT_FILE: cert, MF_MQTT_KEY_FILE: key })!).sort()).toEqual(['cert', 'key']);
  });

  it.each(['MF_MQTT_CA_FILE', 'MF_MQTT_CERT_FILE', 'MF_MQTT_KEY_FILE'])('names %s when its file does not exist', (name) => {
    const env = { MF_MQTT_CERT_FILE: cert, MF_MQTT_KEY_FILE: key, [name]: path.join(dir, 'missing.pem') };
    const error = failure(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^${name} = ".*missing\\.pem" does not exist$`));
  });

  it('names the variable whose file is not PEM', () => {
    const der = path.join(dir, 'ca.der');
    writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    expect(failure({ MF_MQTT_CA_FILE: der }).message).toMatch(/^MF_MQTT_CA_FILE = ".*ca\.der" is not a PEM file/);
  });

  it('names the variable whose file cannot be read', () => {
    expect(failure({ MF_MQTT_CA_FILE: dir }).message).toMatch(/^MF_MQTT_CA_FILE = ".*" cannot be read \(/);
  });

  it('refuses a client certificate without its key, and a key without its certificate', () => {
    expect(failure({ MF_MQTT_CERT_FILE: cert }).message).toMatch(/^MF_MQTT_KEY_FILE must be set when MF_MQTT_CERT_FILE is/);
    expect(failure({ MF_MQTT_KEY_FILE: key }).message).toMatch(/^MF_MQTT_CERT_FILE must be set when MF_MQTT_KEY_FILE is/);
  });
});
