import { envVariables } from '../../../../core/config/env-spec';
import { loadConfig, type RawEnv } from '../../../../core/config/load-config';
import { MeterflowError } from '../../../../core/errors';

/** Runs loadConfig and returns what it threw (or fails the test if it did not throw). */
function failure(env: RawEnv): MeterflowError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(MeterflowError);
    return error as MeterflowError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('env-spec', () => {
  it('every variable has a non-empty description and user, and an MF_ name', () => {
    expect(envVariables.length).toBeGreaterThan(0);
    for (const v of envVariables) {
      expect([v.name, v.description.trim().length > 0]).toEqual([v.name, true]);
      expect([v.name, v.usedBy.trim().length > 0]).toEqual([v.name, true]);
      expect(v.name).toMatch(/^MF_[A-Z0-9_]+$/);
    }
  });

  it('names are unique', () => {
    const names = envVariables.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('integer bounds are coherent', () => {
    for (const v of envVariables) {
      if (v.min !== undefined && v.max !== undefined) expect(v.min).toBeLessThanOrEqual(v.max);
      if (v.min !== undefined || v.max !== undefined) expect(v.parser).toBe('int');
    }
  });
});

describe('loadConfig', () => {
  it('loads every default with an empty environment', () => {
    const config = loadConfig({});
    expect(config.string('MF_LOG_LEVEL')).toBe('info');
    expect(config.list('MF_KAFKA_BROKERS')).toEqual(['127.0.0.1:19092']);
    expect(config.string('MF_KAFKA_TOPIC_PREFIX')).toBe('meterflow.');
    expect(config.int('MF_KAFKA_PARTITIONS')).toBe(6);
    expect(config.string('MF_MQTT_URL')).toBe('mqtt://127.0.0.1:18830');
    expect(config.string('MF_QUESTDB_HTTP_URL')).toBe('http://127.0.0.1:19000');
    expect(config.int('MF_QUESTDB_PG_PORT')).toBe(18812);
    expect(config.int('MF_BRIDGE_LINGER_MS')).toBe(5);
    expect(config.int('MF_BRIDGE_BATCH_MAX')).toBe(2000);
    expect(config.int('MF_BRIDGE_SESSION_EXPIRY_S')).toBe(604_800); // 7 × 86 400
    expect(config.int('MF_MAX_PAYLOAD_BYTES')).toBe(1_048_576); // 1 MiB
    expect(config.int('MF_READING_MAX_PAST_MS')).toBe(31_622_400_000); // 366 × 86 400 000
    expect(config.int('MF_READING_MAX_FUTURE_MS')).toBe(600_000); // 10 min
    expect(config.bool('MF_POLICY_OVERCONSUMPTION_BLOCK')).toBe(false);
    expect(config.string('MF_GRAPHQL_GRAPHIQL')).toBe('auto');
  });

  it('takes values from the environment, and treats an empty value as unset', () => {
    const config = loadConfig({ MF_LOG_LEVEL: 'debug', MF_KAFKA_BROKERS: ' a:1 , b:2 ,', MF_BRIDGE_LINGER_MS: '0', MF_POLICY_OVERCONSUMPTION_BLOCK: 'yes', MF_KAFKA_PARTITIONS: '' });
    expect(config.string('MF_LOG_LEVEL')).toBe('debug');
    expect(config.list('MF_KAFKA_BROKERS')).toEqual(['a:1', 'b:2']);
    expect(config.int('MF_BRIDGE_LINGER_MS')).toBe(0);
    expect(config.bool('MF_POLICY_OVERCONSUMPTION_BLOCK')).toBe(true);
    expect(config.int('MF_KAFKA_PARTITIONS')).toBe(6);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads the boolean %s as %s', (raw, expected) => {
    expect(loadConfig({ MF_POLICY_OVERCONSUMPTION_BLOCK: raw }).bool('MF_POLICY_OVERCONSUMPTION_BLOCK')).toBe(expected);
  });

  it.each([
    ['MF_KAFKA_PARTITIONS', 'six', 'integer'],
    ['MF_KAFKA_PARTITIONS', '1.5', 'integer'],
    ['MF_KAFKA_PARTITIONS', '0x10', 'integer'],
    ['MF_KAFKA_PARTITIONS', '9007199254740993', 'integer'],
    ['MF_KAFKA_PARTITIONS', '0', '>= 1'],
    ['MF_KAFKA_PARTITIONS', '1025', '<= 1024'],
    ['MF_BRIDGE_HTTP_PORT', '65536', '<= 65535'],
    ['MF_BRIDGE_HTTP_PORT', '-1', '>= 0'],
    ['MF_MAX_PAYLOAD_BYTES', '63', '>= 64'],
    ['MF_READING_MAX_PAST_MS', '-5', '>= 0'],
    ['MF_QUESTDB_PG_PORT', 'pg', 'integer'],
    ['MF_POLICY_OVERCONSUMPTION_BLOCK', 'maybe', 'true or false'],
    ['MF_GRAPHQL_GRAPHIQL', 'maybe', 'auto, true, false'],
    ['MF_MQTT_URL', 'not a url', 'URL'],
    ['MF_QUESTDB_HTTP_URL', '127.0.0.1:9000 x', 'URL'],
    ['MF_LOG_LEVEL', 'verbose', 'debug, info, warn, error'],
    ['MF_KAFKA_BROKERS', ' , ,', 'list'],
  ])('%s=%j fails with CONFIG_INVALID naming the variable', (name, raw, expected) => {
    const error = failure({ [name]: raw });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(name);
    expect(error.message).toContain(expected);
    expect(error.message).toContain(raw);
  });

  it('accepts the bounds themselves', () => {
    const config = loadConfig({ MF_KAFKA_PARTITIONS: '1024', MF_BRIDGE_HTTP_PORT: '0', MF_MAX_PAYLOAD_BYTES: '64' });
    expect(config.int('MF_KAFKA_PARTITIONS')).toBe(1024);
    expect(config.int('MF_BRIDGE_HTTP_PORT')).toBe(0);
    expect(config.int('MF_MAX_PAYLOAD_BYTES')).toBe(64);
  });

  it('defaults follow the local stack port variables when they are set', () => {
    const config = loadConfig({ MF_KAFKA_PORT: '29092', MF_MQTT_PORT: '28830', MF_QUESTDB_HTTP_PORT: '29000', MF_QUESTDB_PG_PORT: '28812' });
    expect(config.list('MF_KAFKA_BROKERS')).toEqual(['127.0.0.1:29092']);
    expect(config.string('MF_MQTT_URL')).toBe('mqtt://127.0.0.1:28830');
    expect(config.string('MF_QUESTDB_HTTP_URL')).toBe('http://127.0.0.1:29000');
    expect(config.int('MF_QUESTDB_PG_PORT')).toBe(28812);
  });

  it('an explicit value wins over a port variable, and an empty port variable falls back', () => {
    const config = loadConfig({ MF_KAFKA_PORT: '29092', MF_KAFKA_BROKERS: 'kafka:9092', MF_MQTT_PORT: '' });
    expect(config.list('MF_KAFKA_BROKERS')).toEqual(['kafka:9092']);
    expect(config.string('MF_MQTT_URL')).toBe('mqtt://127.0.0.1:18830');
  });

  it('a bad port variable fails at load time, naming it or the variable built from it', () => {
    const error = failure({ MF_MQTT_PORT: 'abc def' });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/MF_MQTT_(PORT|URL)/);
  });

  it('asking for an undeclared variable throws, naming it', () => {
    const config = loadConfig({});
    expect(() => config.string('MF_NOPE')).toThrow('MF_NOPE');
    expect(() => config.string('mf_log_level')).toThrow('mf_log_level');
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as unknown as { int: unknown }).int = () => 1;
    }).toThrow(TypeError);
  });

  it('reads the environment once: later changes do not leak in', () => {
    const env: RawEnv = { MF_LOG_LEVEL: 'warn' };
    const config = loadConfig(env);
    env.MF_LOG_LEVEL = 'error';
    expect(config.string('MF_LOG_LEVEL')).toBe('warn');
  });
});
