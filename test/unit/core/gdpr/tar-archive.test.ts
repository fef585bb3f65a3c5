import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarGz } from '../../../../core/gdpr/tar-archive';

describe('tarGz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterflow-tar-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an archive the system tar lists and extracts byte for byte', () => {
    // 512 bytes exactly (no padding), 0 bytes, and 700 bytes of multi-byte UTF-8 (padding).
    const files = [
      { name: 'manifest.json', content: 'x'.repeat(512) },
      { name: 'empty.jsonl', content: '' },
      { name: 'readings.jsonl', content: Buffer.from('ção\n'.repeat(140)) },
    ];
    writeFileSync(join(dir, 'a.tar.gz'), tarGz(files, Date.UTC(2026, 11, 1, 12, 0, 0)));
    const listing = execFileSync('tar', ['-tzvf', 'a.tar.gz', '--utc'], { cwd: dir, encoding: 'utf8' });
    // GNU tar: mode, owner, size, date, name; ção\n is 6 bytes × 140 = 840.
    expect(listing.trim().split('\n').map((l) => l.split(/\s+/).filter((_, i) => i !== 1).join(' '))).toEqual([
      '-rw-r--r-- 512 2026-12-01 12:00 manifest.json',
      '-rw-r--r-- 0 2026-12-01 12:00 empty.jsonl',
      '-rw-r--r-- 840 2026-12-01 12:00 readings.jsonl',
    ]);
    execFileSync('tar', ['-xzf', 'a.tar.gz'], { cwd: dir });
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe('x'.repeat(512));
    expect(readFileSync(join(dir, 'empty.jsonl'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'readings.jsonl'), 'utf8')).toBe('ção\n'.repeat(140));
  });

  it('is the same bytes for the same files and date', () => {
    const files = [{ name: 'a.jsonl', content: '{"a":1}\n' }];
    expect(tarGz(files, 0).equals(tarGz(files, 0))).toBe(true);
  });

  it('refuses a name tar cannot hold in its header', () => {
    expect(() => tarGz([{ name: 'x'.repeat(101), content: '' }], 0)).toThrow(/1-100 printable ASCII/);
    expect(() => tarGz([{ name: 'café.json', content: '' }], 0)).toThrow(/1-100 printable ASCII/);
  });
});
