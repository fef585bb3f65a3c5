import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../core/config/config-error';
import type { Config } from '../../core/config';
import { idPattern } from '../../core/contracts';
import { mqttTlsFromConfig, type MqttTls } from '../../core/mqtt/mqtt-tls';
import type { QuestdbPgOptions } from '../../core/questdb/questdb-sql';
import { loadEnvVariables } from '../load-env';

export type AuthMode = 'meter' | 'file' | 'fleet';
export type PayloadProfileName = 'water' | 'electricity' | 'temperature' | 'mixed';

/** The load tool's settings, read from the test env once (readLoadSettings) and frozen. */
export interface LoadSettings {
  mqtt: { url: string; tls: MqttTls | undefined };
  auth: {
    mode: AuthMode;
    masterKey: string;
    provision: boolean;
    stackDir: string;
    /** MF_LOAD_AUTH=file: meter (or gateway) id → password, in file order. */
    credentials: ReadonlyMap<string, string> | null;
    fleet: { username: string; password: string };
  };
  questdb: QuestdbPgOptions;
  graphql: { url: string; apiKey: string; meters: string[]; sectors: string[] };
  runId: string;
  profile: PayloadProfileName;
  batchSize: number;
  sectors: number;
  badShare: number;
  leakShare: number;
  probe: { intervalMs: number; timeoutMs: number; pollMs: number; output: boolean; outputTimeoutMs: number };
  settleTimeoutMs: number;
  /** Run the count check at the end (off for a broker alone, where nothing is stored). */
  countCheck: boolean;
}

/** Resolves `${NAME:-fallback}` in defaults against the env, as core/config does. */
function expandDefault(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => env[name] || fallback);
}

/**
 * Reads and checks every load-tool variable (load-tests/load-env.ts) once. Errors are
 * ConfigError (code CONFIG_INVALID) whose `variable` and message name the variable; a secret's
 * value is never echoed.
 */
export function readLoadSettings(env: Record<string, string | undefined>, options: { randomRunId?: () => string } = {}): LoadSettings {
  const raw = (name: string): string => {
    const spec = loadEnvVariables.find((variable) => variable.name === name);
    if (!spec) throw new Error(`${name} is not declared in load-tests/load-env.ts`);
    const set = env[name];
    return set === undefined || set === '' ? (spec.default.includes('<') ? '' : expandDefault(spec.default, env)) : set.trim();
  };
  const fail = (name: string, expected: string): ConfigError => {
    const secret = loadEnvVariables.find((variable) => variable.name === name)?.secret;
    return new ConfigError('CONFIG_INVALID', name, `${name} must be ${expected}; got ${secret ? 'the value set (not shown: secret)' : JSON.stringify(raw(name))}`);
  };
  const int = (name: string, min: number, max: number): number => {
    const text = raw(name);
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw fail(name, `an integer in [${min}, ${max}]`);
    return n;
  };
  const share = (name: string): number => {
    const text = raw(name);
    const n = Number(text);
    if (text === '' || !Number.isFinite(n) || n < 0 || n > 1) throw fail(name, 'a share between 0 and 1 (e.g. 0.01)');
    return n;
  };
  const bool = (name: string): boolean => {
    const text = raw(name);
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    throw fail(name, 'true or false');
  };
  const url = (name: string, protocols: string[]): string => {
    const text = raw(name);
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw fail(name, `a URL (${protocols.join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) throw fail(name, `a ${protocols.join(' or ')} URL`);
    return text;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const text = raw(name);
    if (!(values as readonly string[]).includes(text)) throw fail(name, `one of ${values.join(', ')}`);
    return text as T;
  };
  const list = (name: string): string[] =>
    raw(name)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  const mode = oneOf('MF_LOAD_AUTH', ['meter', 'file', 'fleet'] as const);
  const credentialsFile = raw('MF_LOAD_CREDENTIALS_FILE');
  if (mode === 'file' && credentialsFile === '') throw fail('MF_LOAD_CREDENTIALS_FILE', 'set (a file of `<meterId> <password>` lines) when MF_LOAD_AUTH=file');
  const credentials = mode === 'file' ? readCredentialsFile(credentialsFile) : null;

  const runId = raw('MF_LOAD_RUN_ID') || (options.randomRunId ?? (() => `lt${randomBytes(3).toString('hex')}`))();
  // The run id heads meter ids: it must keep them valid ids (core/contracts) and leave room for the suffix.
  if (!idPattern.test(runId) || runId.length > 40 || runId.includes('%') || runId.includes('_')) {
    throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_RUN_ID', `MF_LOAD_RUN_ID must be 1-40 characters of [A-Za-z0-9.:-] (it prefixes the run's meter ids); got ${JSON.stringify(runId)}`);
  }
  const graphqlMeters = list('MF_LOAD_GRAPHQL_METERS');
  const badMeter = graphqlMeters.find((id) => !idPattern.test(id));
  if (badMeter !== undefined) throw fail('MF_LOAD_GRAPHQL_METERS', `comma-separated meter ids ("${badMeter}" is not one)`);

  const tlsConfig = { string: (name: string) => raw(name) } as Config;
  const mqttUrl = url('MF_MQTT_URL', ['mqtt', 'mqtts', 'ws', 'wss']);
  const settings: LoadSettings = {
    mqtt: { url: mqttUrl, tls: mqttTlsFromConfig(tlsConfig) },
    auth: {
      mode,
      masterKey: raw('MF_METER_MASTER_KEY'),
      provision: bool('MF_LOAD_PROVISION'),
      stackDir: raw('MF_STACK_DIR'),
      credentials,
      fleet: { username: raw('MF_MQTT_FLEET_USERNAME'), password: raw('MF_MQTT_FLEET_PASSWORD') },
    },
    questdb: {
      host: raw('MF_QUESTDB_PG_HOST'),
      port: int('MF_QUESTDB_PG_PORT', 1, 65535),
      user: raw('MF_QUESTDB_PG_USER'),
      password: raw('MF_QUESTDB_PG_PASSWORD'),
      database: raw('MF_QUESTDB_PG_DATABASE'),
      max: 2,
    },
    graphql: { url: url('MF_LOAD_GRAPHQL_URL', ['http', 'https']), apiKey: raw('MF_LOAD_GRAPHQL_API_KEY'), meters: graphqlMeters, sectors: list('MF_LOAD_GRAPHQL_SECTORS') },
    runId,
    profile: oneOf('MF_LOAD_PROFILE', ['water', 'electricity', 'temperature', 'mixed'] as const),
    batchSize: int('MF_LOAD_BATCH_SIZE', 1, 10_000),
    sectors: int('MF_LOAD_SECTORS', 1, 10_000),
    badShare: share('MF_LOAD_BAD_SHARE'),
    leakShare: share('MF_LOAD_LEAK_SHARE'),
    probe: {
      intervalMs: int('MF_LOAD_PROBE_INTERVAL_MS', 0, 3_600_000),
      timeoutMs: int('MF_LOAD_PROBE_TIMEOUT_MS', 1000, 3_600_000),
      pollMs: int('MF_LOAD_PROBE_POLL_MS', 50, 60_000),
      output: bool('MF_LOAD_OUTPUT_PROBE'),
      outputTimeoutMs: int('MF_LOAD_OUTPUT_TIMEOUT_MS', 1000, 24 * 3_600_000),
    },
    settleTimeoutMs: int('MF_LOAD_SETTLE_TIMEOUT_MS', 0, 3_600_000),
    countCheck: bool('MF_LOAD_COUNT_CHECK'),
  };
  if (settings.graphql.sectors.length === 0) throw fail('MF_LOAD_GRAPHQL_SECTORS', 'a comma-separated list of sectors');
  return Object.freeze(settings);
}

/**
 * A credentials file: one `<meterId> <password>` per line (whitespace-separated), blank lines
 * and `#` comments ignored. Errors name the variable and the line.
 */
export function parseCredentials(text: string, source = 'MF_LOAD_CREDENTIALS_FILE'): Map<string, string> {
  const entries = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parts = trimmed.split(/\s+/);
    const [id, password] = parts;
    if (parts.length !== 2 || id === undefined || password === undefined) {
      throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `${source} line ${index + 1}: expected "<meterId> <password>"`);
    }
    if (!idPattern.test(id)) throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `${source} line ${index + 1}: "${id}" is not a meter id ([A-Za-z0-9._:-])`);
    if (entries.has(id)) throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `${source} line ${index + 1}: "${id}" appears twice`);
    entries.set(id, password);
  });
  if (entries.size === 0) throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `${source} holds no "<meterId> <password>" line`);
  return entries;
}

function readCredentialsFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `MF_LOAD_CREDENTIALS_FILE = "${file}" cannot be read (${(error as Error).message})`);
  }
  return parseCredentials(text, `MF_LOAD_CREDENTIALS_FILE (${file})`);
}
