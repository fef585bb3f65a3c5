import { randomBytes } from 'node:crypto';
import { ConfigError, checkProductionConfig, loadConfig, runMode, secretsOf, weakSecretReason, type RawEnv, type ServiceName } from '../../../../core/config';

/** A production environment every service accepts; tests break one variable at a time. */
const strong = (): RawEnv => ({
  MF_MODE: 'production',
  MF_METER_MASTER_KEY: randomBytes(32).toString('hex'),
  MF_MQTT_PASSWORD: randomBytes(24).toString('base64'),
  MF_QUESTDB_PG_PASSWORD: randomBytes(24).toString('base64'),
  MF_GRAPHQL_API_KEYS: `ops:admin=${randomBytes(24).toString('hex')}`,
  MF_INVOICE_DOCUMENT_SECRET: randomBytes(24).toString('base64'),
  MF_GDPR_PSEUDONYM_KEY: randomBytes(24).toString('base64'),
  MF_PAYMENT_WEBHOOK_SECRET: randomBytes(24).toString('base64'),
});

function refusal(env: RawEnv, service: ServiceName): ConfigError {
  try {
    checkProductionConfig(loadConfig(env), service);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${service} accepted the environment`);
}

const services: ServiceName[] = ['bridge', 'sink', 'processors', 'graphql'];

describe('production mode', () => {
  it('is decided by MF_MODE, and MF_GRAPHQL_MODE follows it unless set', () => {
    expect(runMode(loadConfig({}))).toBe('development');
    const production = loadConfig({ MF_MODE: 'production' });
    expect(runMode(production)).toBe('production');
    expect(production.string('MF_GRAPHQL_MODE')).toBe('production');
    // GraphQL's own switch alone also makes the service production (it never gets looser).
    expect(runMode(loadConfig({ MF_GRAPHQL_MODE: 'production' }))).toBe('production');
  });

  it('accepts generated secrets in every service', () => {
    for (const service of services) expect(() => checkProductionConfig(loadConfig(strong()), service)).not.toThrow();
  });

  it('accepts the development defaults in development mode (the local stack runs on them)', () => {
    for (const service of services) expect(() => checkProductionConfig(loadConfig({}), service)).not.toThrow();
  });

  it.each(services)('%s refuses every documented default secret it reads, naming each variable', (service) => {
    const error = refusal({ MF_MODE: 'production' }, service);
    expect(error.code).toBe('CONFIG_INSECURE');
    const expected = secretsOf(service).filter((v) => v.default !== '' && v.secret !== 'opaque').map((v) => v.name);
    expect(expected.length).toBeGreaterThan(0);
    for (const name of expected) expect(error.message).toContain(name);
  });

  it.each([
    ['MF_METER_MASTER_KEY', 'change-me-meter-master-key'],
    ['MF_METER_MASTER_KEY', 'meterflow-dev-master-key'],
    ['MF_MQTT_PASSWORD', 'change-me-mqtt-bridge'],
    ['MF_MQTT_PASSWORD', 'change-me'],
    ['MF_MQTT_PASSWORD', 'meterflow-dev'],
    ['MF_QUESTDB_PG_PASSWORD', 'quest'],
    ['MF_QUESTDB_PG_PASSWORD', 'change-me-questdb'],
  ])('refuses the placeholder %s=%s from .env.example / the k8s example Secret, without printing it', (variable, value) => {
    const service: ServiceName = variable === 'MF_QUESTDB_PG_PASSWORD' ? 'sink' : 'bridge';
    const error = refusal({ ...strong(), [variable]: value }, service);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain(value);
  });

  it.each(['meterflow-dev-payment-webhook-secret', 'change-me-payment-webhook-secret', 'Sh0rt!secret'])('graphql refuses MF_PAYMENT_WEBHOOK_SECRET=%s (the webhook would accept payments signed by anyone who read the docs)', (value) => {
    const error = refusal({ ...strong(), MF_PAYMENT_WEBHOOK_SECRET: value }, 'graphql');
    expect(error.variable).toBe('MF_PAYMENT_WEBHOOK_SECRET');
    expect(error.message).not.toContain(value);
  });

  it('refuses the example API key of deploy/.env.example, naming the key by name only', () => {
    const key = 'change-me-to-a-long-random-key';
    const error = refusal({ ...strong(), MF_GRAPHQL_API_KEYS: `good:analyst=${randomBytes(24).toString('hex')},ops:admin=${key}` }, 'graphql');
    expect(error.variable).toBe('MF_GRAPHQL_API_KEYS');
    expect(error.message).toContain('(ops)');
    expect(error.message).not.toContain(key);
  });

  it.each([
    ['31 random bytes in hex', randomBytes(31).toString('hex')],
    ['31 random bytes in base64', randomBytes(31).toString('base64')],
    ['a passphrase with spaces', 'correct horse battery staple correct horse battery staple'],
    ['64 hex digits of one pattern', 'ab'.repeat(32)],
    ['64 zeros', '0'.repeat(64)],
  ])('refuses a master key that is not 32 random bytes: %s', (_, key) => {
    const error = refusal({ ...strong(), MF_METER_MASTER_KEY: key }, 'bridge');
    expect(error.variable).toBe('MF_METER_MASTER_KEY');
    expect(error.message).toContain('32 random bytes');
    expect(error.message).not.toContain(key);
  });

  it.each([
    ['hex', randomBytes(32).toString('hex')],
    ['base64', randomBytes(32).toString('base64')],
    ['base64url', randomBytes(32).toString('base64url')],
  ])('accepts a 32-byte master key in %s', (_, key) => {
    expect(weakSecretReason(key, 'master-key')).toBeNull();
  });

  it('refuses short passwords and MF_GRAPHQL_MODE=development under MF_MODE=production', () => {
    expect(refusal({ ...strong(), MF_MQTT_PASSWORD: 'Sh0rt!pass' }, 'bridge').message).toMatch(/MF_MQTT_PASSWORD is shorter than 16/);
    expect(refusal({ ...strong(), MF_GRAPHQL_MODE: 'development' }, 'graphql').variable).toBe('MF_GRAPHQL_MODE');
  });

  it('checks only the secrets a service reads (the sink needs no master key)', () => {
    const env = { ...strong(), MF_METER_MASTER_KEY: '' };
    expect(() => checkProductionConfig(loadConfig(env), 'sink')).not.toThrow();
    expect(refusal(env, 'bridge').variable).toBe('MF_METER_MASTER_KEY');
  });
});

describe('config errors', () => {
  it('never echo the value of a secret variable, and mask passwords inside URLs', () => {
    expect.assertions(4);
    try {
      loadConfig({ MF_MQTT_URL: 'mqtt://bridge:hunter2-secret@' });
    } catch (error) {
      expect((error as Error).message).toContain('MF_MQTT_URL');
    }
    try {
      loadConfig({ MF_QUESTDB_HTTP_URL: 'http://admin:hunter2-secret@ bad host' });
    } catch (error) {
      expect((error as ConfigError).variable).toBe('MF_QUESTDB_HTTP_URL');
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).toContain('admin:***@');
    }
  });
});
