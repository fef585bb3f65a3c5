import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof; the benches write one per service with
 * MF_CPU_PROF_DIR) as its top functions by self time, a markdown table.
 * Usage: npx tsx load-tests/profile-summary.ts <file.cpuprofile> [top=15]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const usage = `Summarises a V8 CPU profile (node --cpu-prof; the benches write one per service when
MF_CPU_PROF_DIR is set) as two markdown tables: the top functions by self time, and self time
per part (meterflow folders, each dependency, node internals, GC).

Usage: npx tsx load-tests/profile-summary.ts <file.cpuprofile> [top]
  top     how many functions to list (default 15)
  --help  show this help
`;

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return;
  }
  const [file, topArg] = args;
  if (!file) {
    process.stderr.write(`profile-summary: a .cpuprofile file is required\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const top = Number(topArg ?? 15);
  if (!Number.isInteger(top) || top < 1) {
    process.stderr.write(`profile-summary: top must be a positive integer, got "${topArg}"\n`);
    process.exitCode = 2;
    return;
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per sample: the delta to the next sample (V8 records the time since the previous one).
  const self = new Map<string, number>();
  const byPart = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byNode.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const label = where ? `${name} ${where}` : name;
    self.set(label, (self.get(label) ?? 0) + us);
    const part = partOf(name, url);
    byPart.set(part, (byPart.get(part) ?? 0) + us);
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`${path.basename(file)}: ${(total / 1000).toFixed(0)} ms on CPU, ${(idle / 1000).toFixed(0)} ms idle\n\n`);
  process.stdout.write('| self ms | % of CPU | function |\n|---:|---:|---|\n');
  for (const [label, us] of rows) process.stdout.write(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | \`${label}\` |\n`);
  process.stdout.write('\n| self ms | % of CPU | where |\n|---:|---:|---|\n');
  for (const [part, us] of [...byPart].sort((a, b) => b[1] - a[1]).slice(0, 10)) process.stdout.write(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | ${part} |\n`);
}

/** Which package, meterflow folder or runtime part a frame belongs to. */
function partOf(name: string, url: string): string {
  if (!url) return name.startsWith('(') ? name : 'native';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = clean.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (clean.startsWith('node:')) return 'node internals';
  for (const root of ['bridge', 'core', 'processors', 'graphql']) if (clean.includes(`/${root}/`)) return `meterflow ${root}/`;
  return 'other';
}

function shorten(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm + 'node_modules/'.length);
  for (const root of ['bridge/', 'core/', 'processors/', 'graphql/', 'load-tests/', 'deploy/']) {
    const at = clean.indexOf(`/${root}`);
    if (at >= 0) return clean.slice(at + 1);
  }
  return clean.startsWith('node:') ? clean : path.basename(clean);
}

main();
