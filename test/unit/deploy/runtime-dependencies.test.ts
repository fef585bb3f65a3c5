/**
 * package.json's "dependencies" are what the image installs (`npm ci --omit=dev`): each must be
 * used by code the image ships, or it is a build-time tool (dashboards/, tests, benchmarks) that
 * belongs in devDependencies. The shipped code is what the Dockerfile's build stage copies and
 * compiles, read with the same import scanner as the services' closures (deploy-files.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { copyOperands, parseDockerfile, readRepoFile, repoRoot, runtimeImportClosure } from './deploy-files';

const packageJson = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };

/** Folders and .ts files the Dockerfile copies from the build context (not package.json, tsconfig). */
function shippedSources(): string[] {
  return parseDockerfile(readRepoFile('deploy/Dockerfile'))
    .filter((i) => i.keyword === 'COPY')
    .map((i) => copyOperands(i.args))
    .filter((c) => !c.options.has('from'))
    .flatMap((c) => c.sources.map((s) => s.replace(/\/+$/, '')))
    .filter((s) => s.endsWith('.ts') || statSync(path.join(repoRoot, s)).isDirectory());
}

function tsFiles(relative: string): string[] {
  if (relative.endsWith('.ts')) return relative.endsWith('.test.ts') ? [] : [relative];
  return readdirSync(path.join(repoRoot, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = path.posix.join(relative, entry.name);
    return entry.isDirectory() ? tsFiles(child) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [child] : [];
  });
}

describe('runtime dependencies', () => {
  const sources = shippedSources();
  const { files, packages } = runtimeImportClosure(sources.flatMap(tsFiles));

  it('the shipped code is the services\' folders and the tools the image carries', () => {
    expect(sources).toEqual(expect.arrayContaining(['core', 'bridge', 'processors', 'graphql', 'history-import', 'load-tests']));
    // dashboards/ is built on a developer's machine or in CI, never in the image.
    expect(sources).not.toContain('dashboards');
    expect([...files].some((f) => f.startsWith('dashboards/'))).toBe(false);
  });

  it('every entry of "dependencies" is imported (or resolved) by a file the image ships', () => {
    const unused = Object.keys(packageJson.dependencies).filter((name) => !packages.has(name));
    expect(unused).toEqual([]);
  });
});
