import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { envVariables } from '../../../core/config';
import { loadStackOptions } from '../../../deploy/stack/stack-options';
import { renderEnvTable } from '../../../docs/print-env-table';

const root = path.resolve(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const configurationPage = readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('carries the configuration table exactly as generated from env-spec.ts (npm run docs:env)', () => {
    expect(configurationPage).toContain(renderEnvTable());
    for (const variable of envVariables) expect(configurationPage).toContain(`| \`${variable.name}\` | \`${variable.default}\``);
  });
});

describe('README', () => {
  it('names npm test as the test command, and CI runs exactly that', () => {
    expect(readme).toMatch(/^npm test\s+# test it/m);
    const ci = readFileSync(path.join(root, '.ci/run'), 'utf8');
    const commands = ci.split('\n').filter((line) => /^\s*npm (test|run test)/.test(line));
    expect(commands.map((c) => c.trim())).toEqual(['npm test']);
  });

  it("folder table names every top-level folder of the tree, and only folders that exist", () => {
    const table = readme.slice(readme.indexOf('| folder |'));
    const named = [...table.matchAll(/^\| `([^`]+)\/` \|/gm)].map((m) => m[1]);
    const ignored = new Set(['node_modules', 'dist', 'coverage', '.git', '.stack']);
    const onDisk = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !ignored.has(e.name))
      .map((e) => e.name);
    expect([...named].sort()).toEqual([...onDisk].sort());
    // Folders named inside a row (`runtime/`, `k8s/` …) exist under the row's folder.
    for (const row of table.split('\n').filter((line) => /^\| `[^`]+\/` \|/.test(line))) {
      const folder = /^\| `([^`]+)\/`/.exec(row)?.[1] ?? '';
      for (const [, sub = ''] of row.slice(row.indexOf('|', 2)).matchAll(/`([a-z0-9-]+(?:\/<module>)?)\/`/g)) {
        if (sub.includes('<')) continue;
        expect({ folder, sub, exists: existsSync(path.join(root, folder, sub)) }).toEqual({ folder, sub, exists: true });
      }
    }
  });
});

describe('env-spec', () => {
  it('declares every MF_ variable the local stack reads, so the configuration table is complete', () => {
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
