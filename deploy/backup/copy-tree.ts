import { closeSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeSync, type Stats } from 'node:fs';
import * as path from 'node:path';

export interface CopySummary {
  files: number;
  bytes: number;
  /** Files that disappeared between listing and copying (QuestDB removed them: not part of the checkpoint). */
  vanished: number;
}

/**
 * Copies a folder tree file by file, reporting progress every `everyMs`. `skip` is asked about
 * each top-level entry name. Files that vanish while copying are counted, not failures: in a
 * QuestDB root under CHECKPOINT only files outside the checkpoint's view can go.
 */
export function copyTree(from: string, to: string, options: { skip?: (name: string) => boolean; progress: (line: string) => void; everyMs?: number }): CopySummary {
  const files: Array<{ rel: string; size: number }> = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(from, rel))) {
      if (rel === '' && options.skip?.(name)) continue;
      const child = path.join(rel, name);
      let stat: Stats;
      try {
        stat = lstatSync(path.join(from, child));
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        mkdirSync(path.join(to, child), { recursive: true });
        walk(child);
      } else if (stat.isFile()) files.push({ rel: child, size: stat.size });
    }
  };
  mkdirSync(to, { recursive: true });
  walk('');
  const total = files.reduce((t, f) => t + f.size, 0);
  const summary: CopySummary = { files: 0, bytes: 0, vanished: 0 };
  const everyMs = options.everyMs ?? 2000;
  let reported = Date.now();
  const report = () => options.progress(`  copied ${summary.files} of ${files.length} files, ${mb(summary.bytes)} of ${mb(total)}`);
  for (const file of files) {
    try {
      copySparse(path.join(from, file.rel), path.join(to, file.rel));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      summary.vanished += 1;
      continue;
    }
    summary.files += 1;
    summary.bytes += file.size;
    if (Date.now() - reported >= everyMs) {
      report();
      reported = Date.now();
    }
  }
  report();
  return summary;
}

const block = 1 << 20;
const zeros = Buffer.alloc(block);

/**
 * Copies one file leaving its all-zero blocks as holes: a running QuestDB maps its column, symbol
 * and WAL files at a generous length (a nearly empty database is ~0.5 GB of zeros), which a plain
 * copy would write out in full.
 */
function copySparse(from: string, to: string): void {
  const input = openSync(from, 'r');
  try {
    const output = openSync(to, 'w');
    try {
      const buffer = Buffer.allocUnsafe(block);
      let position = 0;
      for (;;) {
        const n = readSync(input, buffer, 0, block, position);
        if (n === 0) break;
        if (!buffer.subarray(0, n).equals(zeros.subarray(0, n))) writeSync(output, buffer, 0, n, position);
        position += n;
      }
      ftruncateSync(output, position);
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
