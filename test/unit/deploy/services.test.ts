/**
 * deploy/services.ts is the one list of services: the npm scripts (what the local stack and
 * the demo run), the build output and the configuration must agree with it.
 */
import { envVariables } from '../../../core/config/env-spec';
import { distEntryOf, npmScriptCommand, serviceNamed, services, startCommand } from '../../../deploy/services';
import { readRepoFile } from './deploy-files';

const packageJson = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string>; bin: Record<string, string> };
const tsconfig = JSON.parse(readRepoFile('tsconfig.json')) as { compilerOptions: { outDir: string; rootDir: string }; include: string[] };
const tsconfigBuild = JSON.parse(readRepoFile('tsconfig.build.json')) as { extends: string; compilerOptions?: { outDir?: string; rootDir?: string }; exclude: string[] };

describe('deploy/services.ts', () => {
  it('lists the four services once each', () => {
    expect(services.map((s) => s.name).sort()).toEqual(['bridge', 'graphql', 'processors', 'sink']);
    expect(new Set(services.map((s) => s.healthPort)).size).toBe(services.length);
    expect(() => serviceNamed('nope')).toThrow(/no service named nope/);
  });

  it.each(services.map((s) => [s.name, s] as const))('%s: its npm script runs `meterflow <name>` from source (with its node flags), and the entry point exists', (_name, s) => {
    expect(packageJson.scripts[s.npmScript]).toBe(npmScriptCommand(s));
    expect(packageJson.scripts[s.npmScript]).toBe(s.nodeFlags.length === 0 ? `node bin/meterflow.js ${s.name}` : `node ${s.nodeFlags.join(' ')} bin/meterflow.js ${s.name}`);
    expect(packageJson.bin.meterflow).toBe('bin/meterflow.js');
    expect(readRepoFile(s.script)).toContain(`runCliMain('${s.name}', command)`);
  });

  it('the demo starts the services from the same entry points', () => {
    const demo = readRepoFile('deploy/demo.ts');
    const started = [...demo.matchAll(/startChildService\('([^']+)', '([^']+)'/g)].map((m) => [m[1], m[2]]);
    expect(started.length).toBeGreaterThan(0);
    for (const [name, script] of started) {
      if (name === 'simulator') continue;
      expect(serviceNamed(name as string).script).toBe(script);
    }
  });

  it.each(services.map((s) => [s.name, s] as const))('%s: distEntry is where `npm run build` writes the entry point', (_name, s) => {
    // npm run build = tsc -p tsconfig.build.json, which keeps rootDir/outDir of tsconfig.json.
    expect(packageJson.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(tsconfigBuild.extends).toBe('./tsconfig.json');
    const outDir = tsconfigBuild.compilerOptions?.outDir ?? tsconfig.compilerOptions.outDir;
    const rootDir = tsconfigBuild.compilerOptions?.rootDir ?? tsconfig.compilerOptions.rootDir;
    expect(outDir).toBe('dist');
    expect(rootDir).toBe('.');
    expect(s.distEntry).toBe(distEntryOf(s.script));
    expect(s.distEntry).toBe(`dist/${s.script.slice(0, -'.ts'.length)}.js`);
    expect(startCommand(s)).toEqual(['meterflow', s.name]);
    // The entry point's folder is compiled (included and not excluded).
    const top = s.script.split('/')[0] as string;
    expect(tsconfig.include).toContain(top);
    expect(tsconfigBuild.exclude).not.toContain(top);
  });

  it.each(services.map((s) => [s.name, s] as const))('%s: the health port is the default of its variable, and the CLI names that variable', (_name, s) => {
    const variable = envVariables.find((v) => v.name === s.healthPortVariable);
    expect(variable?.default).toBe(String(s.healthPort));
    expect(readRepoFile(s.script)).toContain(s.healthPortVariable);
  });

  it('the bridge gets enough time to drain on SIGTERM', () => {
    const drain = envVariables.find((v) => v.name === 'MF_BRIDGE_DRAIN_TIMEOUT_MS');
    expect(serviceNamed('bridge').stopGraceSeconds * 1000).toBeGreaterThan(Number(drain?.default));
  });
});
