import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { copyTree } from '../../../../deploy/backup/copy-tree';
import { isQuestdbDataEntry } from '../../../../deploy/backup/create-backup';

describe('copyTree', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'copy-tree-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the data entries of a QuestDB root byte for byte, leaving zero blocks as holes', () => {
    const root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'db', 'readings~5', 'wal1'), { recursive: true });
    mkdirSync(path.join(root, '.checkpoint'), { recursive: true });
    mkdirSync(path.join(root, 'conf'), { recursive: true });
    // 8 MiB mapped column file: 3 bytes of data at the start and 2 at 5 MiB, zeros elsewhere.
    const column = Buffer.alloc(8 << 20);
    column.write('abc', 0);
    column.write('xy', 5 << 20);
    writeFileSync(path.join(root, 'db', 'readings~5', 'wal1', 'value.d'), column);
    writeFileSync(path.join(root, '.checkpoint', '_txn'), 'txn');
    writeFileSync(path.join(root, 'conf', 'server.conf'), 'pg.password=secret');
    writeFileSync(path.join(root, 'questdb.log'), 'log');
    writeFileSync(path.join(root, 'questdb.pid'), '1');

    const lines: string[] = [];
    const summary = copyTree(root, path.join(dir, 'copy'), { skip: (name) => !isQuestdbDataEntry(name), progress: (l) => lines.push(l) });

    expect(summary).toEqual({ files: 2, bytes: (8 << 20) + 3, vanished: 0 });
    const copied = path.join(dir, 'copy', 'db', 'readings~5', 'wal1', 'value.d');
    expect(readFileSync(copied).equals(column)).toBe(true);
    // Two 1 MiB blocks hold data; the other six stay holes (st_blocks counts 512-byte sectors).
    expect(statSync(copied).blocks * 512).toBeLessThanOrEqual(2 << 20);
    expect(readFileSync(path.join(dir, 'copy', '.checkpoint', '_txn'), 'utf8')).toBe('txn');
    expect(() => statSync(path.join(dir, 'copy', 'conf'))).toThrow(/ENOENT/);
    expect(() => statSync(path.join(dir, 'copy', 'questdb.log'))).toThrow(/ENOENT/);
    expect(lines.at(-1)).toBe('  copied 2 of 2 files, 8.0 MB of 8.0 MB');
  });
});
