import * as path from 'node:path';
import { envVariables } from '../../core/config/env-spec';
import { maxMqttPacketBytes } from '../../core/config/mqtt-limits';
import { StackError } from './stack-error';

/**
 * Everything the stack reads from the environment, validated once and frozen. Variable
 * names are part of the project's contract: the services and tests read the same ones.
 */
export interface StackOptions {
  /** Absolute path of the folder that holds every server's data, config, logs and jars. */
  readonly stackDir: string;
  readonly mqtt: {
    readonly port: number;
    /** TLS listener (dev CA + server certificate generated under <stack>/mosquitto/tls). */
    readonly tlsPort: number;
    readonly username: string;
    readonly password: string;
    readonly fleetUsername: string;
    readonly fleetPassword: string;
    /** Mosquitto max_packet_size: MF_MAX_PAYLOAD_BYTES plus header room (core/config/mqtt-limits.ts). */
    readonly maxPacketBytes: number;
  };
  /** Per-meter MQTT passwords are derived from it (core/security/meter-secrets.ts). */
  readonly meterMasterKey: string;
  readonly kafka: { readonly port: number; readonly controllerPort: number; readonly heap: string };
  readonly questdb: {
    readonly httpPort: number;
    readonly pgPort: number;
    readonly ilpTcpPort: number;
    readonly healthPort: number;
    readonly heap: string;
    readonly readonlyUser: string;
    readonly readonlyPassword: string;
  };
}

/** The repository root: this file lives in deploy/stack/. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** QuestDB's built-in PG wire account; kept at its default for local development. */
export const questdbAdmin = { user: 'admin', password: 'quest', database: 'qdb' } as const;

type Env = Readonly<Record<string, string | undefined>>;

// Secrets are never echoed (the message reaches terminals and CI logs): the same rule as the
// services' config errors, from the same list (env-spec `secret`).
const secretNames = new Set(envVariables.filter((v) => v.secret).map((v) => v.name));

function invalid(name: string, value: string, expected: string): StackError {
  const shown = secretNames.has(name) ? '(value not shown: secret)' : `=${JSON.stringify(value)}`;
  return new StackError('STACK_CONFIG_INVALID', `${name}${shown.startsWith('=') ? shown : ` ${shown}`} is invalid: expected ${expected}. Fix or unset ${name}.`);
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1024 || value > 65535) throw invalid(name, raw, 'a TCP port between 1024 and 65535');
  return value;
}

function bounded(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw invalid(name, raw, `an integer between ${min} and ${max}`);
  return value;
}

function heap(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d*[kmgKMG]$/.test(raw)) throw invalid(name, raw, 'a JVM heap size such as 512m or 2g');
  return raw;
}

function account(env: Env, name: string, fallback: string, what: 'username' | 'password'): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // mosquitto_passwd stores "user:hash" lines, and ACL/config files are whitespace separated.
  if (what === 'username' && !/^[A-Za-z0-9._-]+$/.test(raw)) throw invalid(name, raw, 'letters, digits, ".", "_" or "-"');
  if (what === 'password' && /[\s]/.test(raw)) throw invalid(name, raw, 'a password without whitespace');
  return raw;
}

export function loadStackOptions(env: Env = process.env): StackOptions {
  const stackDir = path.resolve(repoRoot, env.MF_STACK_DIR || '.stack');

  const options: StackOptions = {
    stackDir,
    mqtt: {
      port: port(env, 'MF_MQTT_PORT', 18830),
      tlsPort: port(env, 'MF_MQTT_TLS_PORT', 18831),
      username: account(env, 'MF_MQTT_USERNAME', 'meterflow-bridge', 'username'),
      password: account(env, 'MF_MQTT_PASSWORD', 'meterflow-dev', 'password'),
      fleetUsername: account(env, 'MF_MQTT_FLEET_USERNAME', 'meterflow-fleet', 'username'),
      fleetPassword: account(env, 'MF_MQTT_FLEET_PASSWORD', 'meterflow-dev', 'password'),
      // The same variable and bounds as the bridge's (core/config/env-spec.ts).
      maxPacketBytes: maxMqttPacketBytes(bounded(env, 'MF_MAX_PAYLOAD_BYTES', 1_048_576, 64, 268_435_455)),
    },
    // Any text works as an HMAC key; only the derived passwords go into files.
    meterMasterKey: env.MF_METER_MASTER_KEY || 'meterflow-dev-master-key',
    kafka: {
      port: port(env, 'MF_KAFKA_PORT', 19092),
      controllerPort: port(env, 'MF_KAFKA_CONTROLLER_PORT', 19093),
      heap: heap(env, 'MF_KAFKA_HEAP', '768m'),
    },
    questdb: {
      httpPort: port(env, 'MF_QUESTDB_HTTP_PORT', 19000),
      pgPort: port(env, 'MF_QUESTDB_PG_PORT', 18812),
      ilpTcpPort: port(env, 'MF_QUESTDB_ILP_TCP_PORT', 19009),
      healthPort: port(env, 'MF_QUESTDB_HEALTH_PORT', 19003),
      heap: heap(env, 'MF_QUESTDB_HEAP', '1g'),
      readonlyUser: account(env, 'MF_QUESTDB_READONLY_USER', 'grafana', 'username'),
      readonlyPassword: account(env, 'MF_QUESTDB_READONLY_PASSWORD', 'grafana-dev', 'password'),
    },
  };

  if (options.mqtt.username === options.mqtt.fleetUsername) {
    throw invalid('MF_MQTT_FLEET_USERNAME', options.mqtt.fleetUsername, 'a different name than MF_MQTT_USERNAME');
  }
  if (options.questdb.readonlyUser === questdbAdmin.user) {
    throw invalid('MF_QUESTDB_READONLY_USER', options.questdb.readonlyUser, `a name other than QuestDB's admin user "${questdbAdmin.user}"`);
  }

  const seen = new Map<number, string>();
  for (const [name, value] of portVariables(options)) {
    const other = seen.get(value);
    if (other) throw invalid(name, String(value), `a port not already used by ${other}`);
    seen.set(value, name);
  }

  return deepFreeze(options);
}

/** Every port with the variable that moves it, for error messages. */
export function portVariables(o: StackOptions): Array<[string, number]> {
  return [
    ['MF_MQTT_PORT', o.mqtt.port],
    ['MF_MQTT_TLS_PORT', o.mqtt.tlsPort],
    ['MF_KAFKA_PORT', o.kafka.port],
    ['MF_KAFKA_CONTROLLER_PORT', o.kafka.controllerPort],
    ['MF_QUESTDB_HTTP_PORT', o.questdb.httpPort],
    ['MF_QUESTDB_PG_PORT', o.questdb.pgPort],
    ['MF_QUESTDB_ILP_TCP_PORT', o.questdb.ilpTcpPort],
    ['MF_QUESTDB_HEALTH_PORT', o.questdb.healthPort],
  ];
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
