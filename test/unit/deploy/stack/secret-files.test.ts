import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LibDirs } from '../../../../deploy/stack/artifacts';
import { ensureDevCertificates, findOpenssl, mosquittoTlsFiles } from '../../../../deploy/stack/mosquitto-tls';
import { questdbServer } from '../../../../deploy/stack/questdb-server';
import type { Tools } from '../../../../deploy/stack/requirements';
import { loadStackOptions } from '../../../../deploy/stack/stack-options';

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

// Files holding passwords are owner-only, and config errors never echo a secret.
describe('local stack secrets', () => {
  let stackDir: string;
  beforeEach(() => {
    stackDir = mkdtempSync(path.join(tmpdir(), 'mf-secrets-'));
  });
  afterEach(() => rmSync(stackDir, { recursive: true, force: true }));

  it('QuestDB\'s server.conf (PG wire passwords) is 0600, also when an older one was world-readable', async () => {
    const o = loadStackOptions({ MF_STACK_DIR: stackDir, MF_QUESTDB_READONLY_PASSWORD: 'ro-pass-0123456789' });
    const conf = path.join(stackDir, 'questdb', 'conf', 'server.conf');
    mkdirSync(path.dirname(conf), { recursive: true });
    writeFileSync(conf, 'old\n');
    chmodSync(conf, 0o644);
    await questdbServer(o).prepare({ tools: { java: 'java' } as Tools, lib: { questdbJar: 'questdb.jar' } as unknown as LibDirs, log: () => undefined });
    expect(readFileSync(conf, 'utf8')).toContain('pg.readonly.password=ro-pass-0123456789');
    expect(mode(conf)).toBe('600');
  });

  (findOpenssl() ? it : it.skip)('the dev CA and server keys are 0600 in a 0700 folder', async () => {
    const files = mosquittoTlsFiles(stackDir);
    await ensureDevCertificates(files, findOpenssl()!);
    expect(mode(files.dir)).toBe('700');
    expect([mode(files.caKey), mode(files.serverKey)]).toEqual(['600', '600']);
  }, 60_000);

  it.each(['MF_MQTT_PASSWORD', 'MF_MQTT_FLEET_PASSWORD', 'MF_QUESTDB_READONLY_PASSWORD'])('an invalid %s is named, its value never shown', (name) => {
    const value = 'leaked secret with spaces';
    let message = '';
    try {
      loadStackOptions({ MF_STACK_DIR: stackDir, [name]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(name);
    expect(message).not.toContain('leaked');
  });

  it('still shows the value of a variable that is no secret', () => {
    expect(() => loadStackOptions({ MF_STACK_DIR: stackDir, MF_MQTT_PORT: 'eighty' })).toThrow('MF_MQTT_PORT="eighty" is invalid');
  });
});
