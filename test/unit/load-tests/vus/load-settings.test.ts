import { ConfigError } from '../../../../core/config/config-error';
import { loadEnvVariables } from '../../../../load-tests/load-env';
import { parseCredentials, readLoadSettings } from '../../../../load-tests/vus/load-settings';

const fixedId = { randomRunId: () => 'ltabc123' };

function errorOf(env: Record<string, string>): ConfigError {
  try {
    readLoadSettings(env, fixedId);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('readLoadSettings', () => {
  it('defaults point at the local stack', () => {
    const s = readLoadSettings({}, fixedId);
    expect(s.mqtt.url).toBe('mqtt://127.0.0.1:18830');
    expect(s.auth.mode).toBe('meter');
    expect(s.questdb).toMatchObject({ host: '127.0.0.1', port: 18812, user: 'admin', database: 'qdb' });
    expect(s.graphql).toMatchObject({ url: 'http://127.0.0.1:4000/graphql', apiKey: 'meterflow-dev-analyst-key' });
    expect(s.runId).toBe('ltabc123');
    expect(s.probe).toMatchObject({ intervalMs: 2000, timeoutMs: 60000, pollMs: 100, output: true });
    expect(s.batchSize).toBe(1);
  });

  it('follows the stack port variables and a random run id per run', () => {
    expect(readLoadSettings({ MF_MQTT_PORT: '18930', MF_GRAPHQL_PORT: '4100' }).mqtt.url).toBe('mqtt://127.0.0.1:18930');
    expect(readLoadSettings({ MF_GRAPHQL_PORT: '4100' }).graphql.url).toBe('http://127.0.0.1:4100/graphql');
    expect(readLoadSettings({}).runId).toMatch(/^lt[0-9a-f]{6}$/);
  });

  it.each([
    ['MF_LOAD_AUTH', 'ldap'],
    ['MF_MQTT_URL', 'http://broker:1883'],
    ['MF_LOAD_BAD_SHARE', '1.5'],
    ['MF_LOAD_LEAK_SHARE', 'some'],
    ['MF_LOAD_BATCH_SIZE', '0'],
    ['MF_LOAD_PROBE_INTERVAL_MS', '-1'],
    ['MF_LOAD_PROBE_POLL_MS', '10'],
    ['MF_LOAD_OUTPUT_PROBE', 'maybe'],
    ['MF_QUESTDB_PG_PORT', '70000'],
    ['MF_LOAD_GRAPHQL_URL', 'mqtt://x'],
    ['MF_LOAD_RUN_ID', 'has space'],
    ['MF_LOAD_RUN_ID', 'a_b'],
    ['MF_LOAD_PROFILE', 'gas'],
    ['MF_LOAD_GRAPHQL_METERS', 'ok-1,bad id'],
  ])('%s=%j is refused, naming the variable', (name, value) => {
    const error = errorOf({ [name]: value });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.variable).toBe(name);
    expect(error.message).toContain(name);
  });

  it('never echoes a secret', () => {
    const error = errorOf({ MF_LOAD_AUTH: 'file', MF_LOAD_CREDENTIALS_FILE: '/nonexistent/creds.txt' });
    expect(error.variable).toBe('MF_LOAD_CREDENTIALS_FILE');
    expect(errorOf({ MF_LOAD_AUTH: 'file' }).message).toMatch(/MF_LOAD_CREDENTIALS_FILE must be set/);
  });

  it('checks TLS files naming the variable', () => {
    expect(() => readLoadSettings({ MF_MQTT_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/MF_MQTT_CA_FILE/);
  });

  it('every variable read is in the documented table', () => {
    const names = loadEnvVariables.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of loadEnvVariables) expect(v.description.length).toBeGreaterThan(10);
  });
});

describe('parseCredentials', () => {
  it('reads "<meterId> <password>" lines, skipping blanks and comments', () => {
    const creds = parseCredentials('# fleet A\nm-0001 s3cret\n\n  m-0002\tother  \n');
    expect([...creds]).toEqual([
      ['m-0001', 's3cret'],
      ['m-0002', 'other'],
    ]);
  });

  it.each([
    ['m-0001', /line 1: expected/],
    ['m-0001 a b', /line 1: expected/],
    ['bad/id pw', /not a meter id/],
    ['m-1 a\nm-1 b', /line 2: "m-1" appears twice/],
    ['# nothing', /holds no/],
  ])('%j is refused with the line', (text, message) => {
    expect(() => parseCredentials(text)).toThrow(message);
  });
});
