import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envVariables } from '../../../core/config';
import { loadStackOptions } from '../../../deploy/stack/stack-options';
import { renderEnvTable } from '../../../docs/print-env-table';

const root = path.resolve(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('carries the configuration table exactly as generated from env-spec.ts (npm run docs:env)', () => {
    expect(readme).toContain(renderEnvTable());
    for (const variable of envVariables) expect(readme).toContain(`| \`${variable.name}\` | \`${variable.default}\``);
  });

  it('names npm test as the test command, and CI runs exactly that', () => {
    expect(readme).toMatch(/^npm test\s+# test it/m);
    const ci = readFileSync(path.join(root, '.ci/run'), 'utf8');
    const commands = ci.split('\n').filter((line) => /^\s*npm (test|run test)/.test(line));
    expect(commands.map((c) => c.trim())).toEqual(['npm test']);
  });
});

describe('env-spec', () => {
  it('declares every MF_ variable the local stack reads, so the README table is complete', () => {
    const stackOptions = readFileSync(path.join(root, 'deploy/stack/stack-options.ts'), 'utf8');
    const read = new Set(stackOptions.match(/MF_[A-Z_]+/g));
    const declared = new Set(envVariables.map((v) => v.name));
    expect([...read].filter((name) => !declared.has(name))).toEqual([]);
  });
});

describe('local stack defaults', () => {
  it('are the defaults env-spec documents (the services connect where the stack listens)', () => {
    const o = loadStackOptions({});
    const documented = (name: string) => envVariables.find((v) => v.name === name)?.default;
    expect(String(o.mqtt.port)).toBe(documented('MF_MQTT_PORT'));
    expect(String(o.kafka.port)).toBe(documented('MF_KAFKA_PORT'));
    expect(String(o.kafka.controllerPort)).toBe(documented('MF_KAFKA_CONTROLLER_PORT'));
    expect(String(o.questdb.httpPort)).toBe(documented('MF_QUESTDB_HTTP_PORT'));
    expect(String(o.questdb.pgPort)).toBe(documented('MF_QUESTDB_PG_PORT'));
    expect(String(o.questdb.ilpTcpPort)).toBe(documented('MF_QUESTDB_ILP_TCP_PORT'));
    expect(String(o.questdb.healthPort)).toBe(documented('MF_QUESTDB_HEALTH_PORT'));
    expect(o.mqtt.username).toBe(documented('MF_MQTT_USERNAME'));
    expect(o.mqtt.fleetUsername).toBe(documented('MF_MQTT_FLEET_USERNAME'));
    expect(o.kafka.heap).toBe(documented('MF_KAFKA_HEAP'));
    expect(o.questdb.heap).toBe(documented('MF_QUESTDB_HEAP'));
    expect(o.questdb.readonlyUser).toBe(documented('MF_QUESTDB_READONLY_USER'));
  });
});
