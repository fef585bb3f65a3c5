/**
 * deploy/docker-compose.yml without a Docker engine: the Compose specification's JSON schema
 * (the copy dclint ships), interpolation with deploy/.env.example, and what the file must say
 * to match deploy/services.ts and the local stack (deploy/stack/*-server.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { envVariables } from '../../../core/config/env-spec';
import { maxMqttPacketBytes } from '../../../core/config/mqtt-limits';
import { loadStackOptions } from '../../../deploy/stack/stack-options';
import { KAFKA_VERSION } from '../../../deploy/stack/kafka-server';
import { QUESTDB_VERSION } from '../../../deploy/stack/questdb-server';
import { services, startCommand } from '../../../deploy/services';
import {
  deployDir,
  durationSeconds,
  interpolateTree,
  parseEnvFile,
  parseYamlFile,
  propertyLiterals,
  readRepoFile,
  stringsIn,
  variableUses,
} from './deploy-files';

type Service = Record<string, unknown> & {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; start_period?: string };
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  stop_grace_period?: string;
  entrypoint?: string[];
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
};
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const composePath = 'deploy/docker-compose.yml';
const raw = parseYamlFile(composePath) as ComposeFile;
const envExample = parseEnvFile(readRepoFile('deploy/.env.example'));
const compose = interpolateTree(raw, envExample) as ComposeFile;
const declared = new Set(envVariables.map((v) => v.name));

function composeSchema(): object {
  // dclint ships the Compose specification's schema (compose-spec/compose-spec, schema/compose-spec.json);
  // its package "exports" hides the file from require(), so read it beside package.json.
  const dir = path.dirname(require.resolve('dclint/package.json'));
  return JSON.parse(readFileSync(path.join(dir, 'schemas', 'compose.schema.json'), 'utf8')) as object;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  return ajv.compile(composeSchema());
}

describe('docker-compose.yml against the Compose specification schema', () => {
  const validate = validator();

  it('the schema is the Compose specification (and catches a wrong file)', () => {
    expect(validate({ services: { a: { image: 'x', restart: 'unless-stopped' } } })).toBe(true);
    expect(validate({ services: { a: { image: 'x', restartt: 'always' } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', depends_on: { b: { condition: 'service_ready' } } } } })).toBe(false);
  });

  it('is valid as written (variables not yet substituted)', () => {
    const ok = validate(raw);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is valid with deploy/.env.example substituted', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('docker-compose.yml variables and deploy/.env.example', () => {
  const uses = [...stringsIn(raw)].flatMap(variableUses);
  const used = new Set(uses.map((u) => u.name));

  it('every variable it uses is in .env.example, and .env.example has nothing it does not use', () => {
    expect([...used].filter((name) => !envExample.has(name)).sort()).toEqual([]);
    expect([...envExample.keys()].filter((name) => !used.has(name)).sort()).toEqual([]);
  });

  it('credentials are required (":?"), never given a default in the compose file', () => {
    const secrets = ['MF_MQTT_PASSWORD', 'MF_METER_MASTER_KEY', 'MF_QUESTDB_PG_PASSWORD', 'MF_QUESTDB_READONLY_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'];
    for (const name of secrets) {
      const forName = uses.filter((u) => u.name === name);
      expect({ name, uses: forName.length }).toEqual({ name, uses: expect.any(Number) });
      expect(forName.length).toBeGreaterThan(0);
      for (const use of forName) expect({ name, operator: use.operator }).toEqual({ name, operator: ':?' });
    }
  });

  it('MF_* names are the services\' own variables (core/config/env-spec.ts)', () => {
    const names = new Set<string>([...used].filter((n) => n.startsWith('MF_')));
    for (const s of Object.values(raw.services)) for (const key of Object.keys(s.environment ?? {})) if (key.startsWith('MF_')) names.add(key);
    expect([...names].filter((n) => !declared.has(n)).sort()).toEqual([]);
  });

  it('example values parse the way the services parse them (ints are ints)', () => {
    for (const v of envVariables) {
      const value = envExample.get(v.name);
      if (value === undefined || value === '') continue;
      if (v.parser === 'int') expect({ name: v.name, value }).toEqual({ name: v.name, value: expect.stringMatching(/^\d+$/) });
      if (v.parser === 'bool') expect(['true', 'false']).toContain(value);
    }
  });
});

describe('docker-compose.yml services', () => {
  const infrastructure = ['mosquitto', 'kafka', 'questdb', 'grafana'];

  it('has the whole system: the brokers, the database, Grafana and every service of deploy/services.ts', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...infrastructure, ...services.map((s) => s.name)].sort());
  });

  it.each(Object.keys(raw.services))('%s has a restart policy, a health check and resource limits', (name) => {
    const s = compose.services[name] as Service;
    expect(['always', 'unless-stopped']).toContain(s.restart);
    expect(s.healthcheck?.test?.length).toBeGreaterThan(0);
    expect(s.deploy?.resources?.limits?.cpus).toMatch(/^\d+(\.\d+)?$/);
    expect(s.deploy?.resources?.limits?.memory).toMatch(/^\d+[MG]$/);
  });

  it.each(services.map((s) => [s.name, s] as const))('%s runs the command and health port of deploy/services.ts', (name, service) => {
    const s = compose.services[name] as Service;
    expect(s.command).toEqual(startCommand(service));
    expect(s.image).toBe(compose.services.bridge?.image);
    expect(s.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    const probe = (s.healthcheck?.test ?? []).join(' ');
    expect(probe).toContain(`http://127.0.0.1:${service.healthPort}${service.healthPath}`);
    // The service listens where the probe looks: nothing moves its port away from the default.
    expect(s.environment?.[service.healthPortVariable]).toBeUndefined();
    expect(durationSeconds(s.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(service.stopGraceSeconds);
    expect(s.read_only).toBe(true);
  });

  it('services start after what they need is healthy', () => {
    const needs: Record<string, string[]> = { bridge: ['mosquitto', 'kafka'], sink: ['kafka', 'questdb'], processors: ['kafka', 'questdb'], graphql: ['kafka', 'questdb'], grafana: ['questdb'] };
    for (const [name, deps] of Object.entries(needs)) {
      const dependsOn = compose.services[name]?.depends_on ?? {};
      expect({ name, deps: Object.keys(dependsOn).sort() }).toEqual({ name, deps: [...deps].sort() });
      for (const dep of deps) expect(dependsOn[dep]?.condition).toBe('service_healthy');
    }
  });

  it('the services reach the brokers and QuestDB by their compose names', () => {
    for (const s of services) {
      const env = compose.services[s.name]?.environment ?? {};
      expect(env.MF_KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.MF_QUESTDB_PG_HOST).toBe('questdb');
      expect(env.MF_QUESTDB_HTTP_URL).toBe('http://questdb:9000');
    }
    expect(compose.services.bridge?.environment?.MF_MQTT_URL).toBe('mqtt://mosquitto:1883');
    expect(compose.services.bridge?.environment?.MF_BRIDGE_ID).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('data lives in named volumes, all declared and all used; bind mounts point at files in the repo', () => {
    const used = new Set<string>();
    const missing: string[] = [];
    for (const [name, s] of Object.entries(compose.services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('.') || source.startsWith('/')) {
          // The dashboards folder is written later by `npm run dashboards`.
          if (source === './grafana/dashboards') continue;
          if (!existsSync(path.join(deployDir, source))) missing.push(`${name}: ${source}`);
        } else used.add(source);
      }
    }
    expect(missing).toEqual([]);
    expect([...used].sort()).toEqual(Object.keys(compose.volumes).sort());
    for (const [name, target] of [['questdb', '/var/lib/questdb'], ['kafka', '/var/lib/kafka/data'], ['mosquitto', '/mosquitto/data'], ['grafana', '/var/lib/grafana']]) {
      expect(compose.services[name as string]?.volumes?.some((v) => !v.startsWith('.') && v.endsWith(`:${target}`))).toBe(true);
    }
  });

  it('Kafka and QuestDB are published on the host loopback only', () => {
    for (const name of ['kafka', 'questdb']) for (const port of compose.services[name]?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('docker-compose.yml servers match the local stack', () => {
  it('Kafka: the image is the stack\'s version and the single-node settings are the stack\'s', () => {
    const kafka = compose.services.kafka as Service;
    expect(kafka.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
    const stack = propertyLiterals(readRepoFile('deploy/stack/kafka-server.ts'));
    const keys = ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'default.replication.factor', 'auto.create.topics.enable', 'offsets.topic.num.partitions', 'transaction.state.log.num.partitions'];
    for (const key of keys) {
      const envName = `KAFKA_${key.toUpperCase().replace(/\./g, '_')}`;
      expect({ key, value: kafka.environment?.[envName] }).toEqual({ key, value: stack.get(key) });
    }
    expect(kafka.environment?.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(kafka.environment?.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(kafka.environment?.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(stack.get('process.roles')?.split(',').sort());
    expect(kafka.environment?.KAFKA_NUM_PARTITIONS).toBe(envExample.get('MF_KAFKA_PARTITIONS'));
  });

  it('QuestDB: the stack\'s version, the read-only account, no UDP, no telemetry; Grafana gets the read-only account', () => {
    const questdb = compose.services.questdb as Service;
    expect(questdb.image).toBe(`questdb/questdb:${QUESTDB_VERSION}`);
    const stack = propertyLiterals(readRepoFile('deploy/stack/questdb-server.ts'));
    for (const key of ['pg.readonly.user.enabled', 'line.udp.enabled', 'telemetry.enabled']) {
      expect({ key, value: questdb.environment?.[`QDB_${key.toUpperCase().replace(/\./g, '_')}`] }).toEqual({ key, value: stack.get(key) });
    }
    const grafana = compose.services.grafana?.environment ?? {};
    expect(grafana.MF_QUESTDB_READONLY_USER).toBe(questdb.environment?.QDB_PG_READONLY_USER);
    expect(grafana.MF_QUESTDB_READONLY_PASSWORD).toBe(questdb.environment?.QDB_PG_READONLY_PASSWORD);
    expect(questdb.environment?.QDB_PG_PASSWORD).toBe(compose.services.sink?.environment?.MF_QUESTDB_PG_PASSWORD);
  });

  it('Mosquitto: no anonymous clients, password file and ACL, persistence with the stack\'s queue settings', () => {
    const conf = readRepoFile('deploy/compose/mosquitto/mosquitto.conf');
    const settings = new Map(
      conf
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => [l.split(/\s+/)[0] as string, l.split(/\s+/).slice(1).join(' ')]),
    );
    expect(settings.get('allow_anonymous')).toBe('false');
    expect(settings.get('per_listener_settings')).toBe('false');
    expect(settings.get('password_file')).toBe('/mosquitto/accounts/passwd');
    expect(settings.get('acl_file')).toBe('/mosquitto/accounts/acl');
    expect(settings.get('persistence')).toBe('true');
    const stack = readRepoFile('deploy/stack/mosquitto-server.ts');
    for (const key of ['autosave_interval', 'persistent_client_expiration', 'max_inflight_messages', 'max_queued_messages', 'max_queued_bytes']) {
      const m = new RegExp(`'${key} ([^']+)'`).exec(stack);
      expect({ key, value: settings.get(key) }).toEqual({ key, value: m?.[1] });
    }
    // The packet limit follows the bridge's default payload limit, like the stack's broker.
    const defaultPayload = Number(envVariables.find((v) => v.name === 'MF_MAX_PAYLOAD_BYTES')!.default);
    expect(Number(settings.get('max_packet_size'))).toBe(maxMqttPacketBytes(defaultPayload));
    expect(Number(settings.get('max_packet_size'))).toBe(loadStackOptions({}).mqtt.maxPacketBytes);
    expect(stack).toContain('`max_packet_size ${o.mqtt.maxPacketBytes}`');
    const mosquitto = compose.services.mosquitto as Service;
    expect(mosquitto.entrypoint).toEqual(['/bin/sh', '/meterflow/broker.sh', 'start']);
    expect(mosquitto.volumes).toContain('./compose/mosquitto:/meterflow:ro');
    // broker.sh writes into this volume what mosquitto.conf reads from it.
    expect(mosquitto.volumes?.some((v) => v.endsWith(':/mosquitto/accounts'))).toBe(true);
  });

  it('Mosquitto ACL: the same per-meter patterns and bridge rights as the local stack', () => {
    const broker = readRepoFile('deploy/compose/mosquitto/broker.sh');
    const stack = readRepoFile('deploy/stack/mosquitto-server.ts');
    const lines = (text: string, prefix: string) => [...text.matchAll(new RegExp(`'(${prefix} [^']+)'`, 'g'))].map((m) => m[1] as string);
    const stackPatterns = lines(stack, 'pattern');
    expect(stackPatterns.length).toBeGreaterThanOrEqual(4);
    expect(lines(broker, 'pattern')).toEqual(stackPatterns);
    // Bridge and (dev) fleet: the stack's topic lines, once per account.
    expect(lines(broker, 'topic')).toEqual(lines(stack, 'topic'));
    expect(broker).toContain('user $bridge_user');
    expect(broker).toContain('user $fleet_user');
  });

  it('Grafana: the provisioning folder is mounted and every variable the datasource uses is set', () => {
    const grafana = compose.services.grafana as Service;
    expect(grafana.volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    const datasource = readRepoFile('deploy/grafana/provisioning/datasources/questdb.yaml');
    const names = variableUses(datasource).map((u) => u.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect({ name, set: grafana.environment?.[name] !== undefined }).toEqual({ name, set: true });
    const provider = readRepoFile('deploy/grafana/provisioning/dashboards/meterflow.yaml');
    const dashboardsPath = /path:\s*(\S+)/.exec(provider)?.[1];
    expect(grafana.volumes).toContain(`./grafana/dashboards:${dashboardsPath}:ro`);
  });
});

describe('docker-compose.yml production defaults (docs/operations.md)', () => {
  const meterflowServices = services.map((s) => s.name);

  it('every meterflow service runs in production mode and serves /health and /metrics on the container network', () => {
    for (const name of meterflowServices) {
      const env = compose.services[name]?.environment ?? {};
      expect({ name, mode: env.MF_MODE, host: env.MF_HTTP_HOST }).toEqual({ name, mode: 'production', host: '0.0.0.0' });
    }
  });

  it('the bridge limits each meter\'s message rate (one flooding device costs only its own data)', () => {
    const env = compose.services.bridge?.environment ?? {};
    expect(Number(env.MF_BRIDGE_METER_RATE_LIMIT)).toBeGreaterThan(0);
    expect(Number(env.MF_BRIDGE_METER_BURST)).toBeGreaterThan(0);
  });

  it('plain MQTT is published on the host loopback unless PUBLISH_MQTT_ADDRESS says otherwise', () => {
    const plain = (compose.services.mosquitto?.ports ?? []).filter((p) => p.endsWith(':1883'));
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^127\.0\.0\.1:/);
    // Also without deploy/.env: the compose file's own default is loopback.
    expect((raw.services.mosquitto?.ports ?? []).find((p) => p.endsWith(':1883'))).toMatch(/^\$\{PUBLISH_MQTT_ADDRESS:-127\.0\.0\.1\}:/);
  });
});
