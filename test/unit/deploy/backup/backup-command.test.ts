import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../../deploy/backup/backup-command';

// Usage errors and a bad backup folder are found before anything connects: no servers needed.
async function run(argv: string[]): Promise<{ status: number; text: string }> {
  const lines: string[] = [];
  const status = await main(argv, {}, (l) => lines.push(l));
  return { status, text: lines.join('\n') };
}

describe('npm run backup', () => {
  it('prints its usage with --help, for the command and for each subcommand', async () => {
    for (const argv of [['--help'], ['create', '--help'], ['restore', '--help']]) {
      const { status, text } = await run(argv);
      expect(status).toBe(0);
      expect(text).toMatch(/^Usage: npm run backup -- create --to DIR/);
      expect(text).toContain('--offsets-only');
    }
  });

  it('names the missing or conflicting flag (exit 2)', async () => {
    expect(await run(['create'])).toEqual({ status: 2, text: 'backup: CONFIG_INVALID: --to is required: a new folder for the backup' });
    expect((await run(['create', '--to', '/x', '--questdb-root', '/q', '--copy-command', 'true'])).text).toMatch(/--copy-command and --questdb-root exclude each other/);
    expect((await run(['restore', '--from', '/x', '--offsets-only', '--questdb-root', '/q'])).status).toBe(2);
    expect(await run(['list'])).toEqual({ status: 2, text: 'backup: CONFIG_INVALID: unknown command "list": expected create or restore (see --help)' });
    expect((await run([])).status).toBe(2);
  });

  it('refuses a folder without a manifest (an unfinished backup) and a manifest of another format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backup-cmd-'));
    try {
      const first = await run(['restore', '--from', dir]);
      expect(first.status).toBe(1);
      expect(first.text).toBe(`backup restore: BACKUP_INVALID: ${path.join(dir, 'manifest.json')} does not exist: not a backup folder, or its backup did not finish`);
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 'meterflow-backup/0' }));
      expect((await run(['restore', '--from', dir])).text).toMatch(/format is "meterflow-backup\/0", expected "meterflow-backup\/1"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write a backup into a folder that is not empty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backup-cmd-'));
    try {
      writeFileSync(path.join(dir, 'old'), '');
      const { status, text } = await run(['create', '--to', dir, '--questdb-root', dir]);
      expect(status).toBe(1);
      expect(text).toBe(`backup create: BACKUP_REFUSED: --to ${dir} is not empty: give each backup a new folder`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
