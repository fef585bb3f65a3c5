import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { meterMqttPassword, mosquittoAccountFiles } from '../../../../deploy/stack/meter-accounts';
import { findProgram } from '../../../../deploy/stack/requirements';

const root = path.resolve(__dirname, '../../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const haveMosquittoPasswd = Boolean(findProgram('mosquitto_passwd'));

// `provision-meters --show-passwords` is piped into device configuration, so
// stdout carries exactly the "<id> <password>" lines; progress and the summary go to stderr.
// A stack folder of its own, where no Mosquitto runs: nothing touches the shared stack.
(haveMosquittoPasswd ? describe : describe.skip)('npm run stack -- provision-meters --show-passwords', () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = mkdtempSync(path.join(tmpdir(), 'mf-provision-'));
  });
  afterAll(() => rmSync(stackDir, { recursive: true, force: true }));

  it('prints only "<id> <password>" lines on stdout, status on stderr, and writes the password files 0600', async () => {
    const key = 'a'.repeat(8) + '0123456789abcdef'.repeat(3);
    const ids = ['meter-0001', 'meter-0002'];
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile(tsx, ['deploy/stack/cli.ts', 'provision-meters', ...ids, '--show-passwords'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MF_STACK_DIR: stackDir, MF_METER_MASTER_KEY: key }, timeout: 60_000 }, (error, out, err) =>
        resolve({ stdout: out, stderr: err, code: error ? 1 : 0 }),
      );
    });
    expect(code).toBe(0);
    expect(stdout.split('\n').filter(Boolean)).toEqual(ids.map((id) => `${id} ${meterMqttPassword(key, id)}`));
    expect(stderr).toMatch(/provisioned 2 meter\(s\)/);
    const files = mosquittoAccountFiles(stackDir);
    for (const file of [files.passwd, files.meterAccounts, files.serviceAccounts]) expect({ file: path.basename(file), mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file: path.basename(file), mode: '600' });
  }, 60_000);
});
