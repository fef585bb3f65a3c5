import { readFileSync } from 'node:fs';
import path from 'node:path';

// `npm ci` must work on a fresh clone on any platform, without warnings on Node 20:
// - npm installs only the optional native package that fits the machine (@swc/core-linux-x64-gnu,
//   @esbuild/darwin-arm64, …) but `npm ci` refuses a lock that lacks the other platforms' ones;
// - a locked package whose `engines.node` excludes Node 20 makes every install print EBADENGINE
//   (package.json's `overrides` hold such packages back; see docs/development.md).

const root = path.resolve(__dirname, '../..');
interface LockEntry {
  version?: string;
  engines?: { node?: string };
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages);

/** The lowest Node 20 the project supports. */
const node20 = [20, 19, 0] as const;

type Version = readonly [number, number, number];
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function parseVersion(text: string): Version | null {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(text.trim());
  if (!m) return null;
  const part = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? 0 : Number(s));
  return [Number(m[1]), part(m[2]), part(m[3])];
}

/** Whether `version` satisfies an engines range of the forms npm packages use; throws on others. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1').split(/\s+/);
    return comparators.every((comparator) => {
      if (comparator === '*' || comparator === '') return true;
      const m = /^(>=|<=|>|<|\^|~|=)?(.+)$/.exec(comparator);
      const bound = m ? parseVersion(m[2] ?? '') : null;
      if (!m || !bound) throw new Error(`engines range not understood: "${range}"`);
      const op = m[1] ?? '';
      const c = compare(version, bound);
      const wildcardMajor = /^\d+(\.(x|\*))?$/.test(m[2] ?? '') && op === '';
      if (op === '' || op === '=') return wildcardMajor || /^\d+\.(x|\*)/.test(m[2] ?? '') ? version[0] === bound[0] : c === 0;
      if (op === '>=') return c >= 0;
      if (op === '>') return c > 0;
      if (op === '<=') return c <= 0;
      if (op === '<') return c < 0;
      if (op === '^') return c >= 0 && version[0] === bound[0];
      return c >= 0 && version[0] === bound[0] && version[1] === bound[1];
    });
  });
}

describe('package-lock.json', () => {
  it('range check agrees with npm on the forms it meets', () => {
    expect(satisfies(node20, '>=22.15.0')).toBe(false);
    expect(satisfies(node20, '^20.19.0 || ^22.12.0 || >=23')).toBe(true);
    expect(satisfies(node20, '^18.18.0 || ^20.9.0 || >=21.1.0')).toBe(true);
    expect(satisfies(node20, '^20.20.0 || >=22')).toBe(false);
    expect(satisfies(node20, '18 || 20 || >=22')).toBe(true);
    expect(satisfies(node20, '10.* || >= 12.*')).toBe(true);
    expect(satisfies(node20, '>= 0.4')).toBe(true);
    expect(satisfies(node20, '*')).toBe(true);
  });

  it('holds every optional dependency of every locked package (all platforms, for npm ci anywhere)', () => {
    const locked = new Set(entries.map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length)));
    const missing = entries.flatMap(([where, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !locked.has(name))
        .map((name) => `${where} -> ${name}`),
    );
    expect(missing).toEqual([]);
    // The two native toolchains, on the platforms contributors use.
    for (const name of ['@swc/core-linux-x64-gnu', '@swc/core-linux-arm64-gnu', '@swc/core-darwin-arm64', '@swc/core-win32-x64-msvc', '@esbuild/linux-arm64', '@esbuild/darwin-x64', '@esbuild/win32-x64']) {
      expect({ name, locked: locked.has(name) }).toEqual({ name, locked: true });
    }
  });

  it('locks no package whose engines exclude Node 20 (no EBADENGINE at install)', () => {
    const refusing = entries
      .filter(([where, entry]) => where !== '' && entry.engines?.node && !satisfies(node20, entry.engines.node))
      .map(([where, entry]) => `${where}@${entry.version} needs node ${entry.engines?.node}`);
    expect(refusing).toEqual([]);
  });
});
