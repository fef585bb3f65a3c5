/**
 * deploy/Dockerfile without a Docker engine: every COPY source exists and reaches the build
 * context, the build stage has every file the services load at run time, the image runs
 * production dependencies only, as a non-root user, with a health check on the services' ports.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { services } from '../../../deploy/services';
import { copyOperands, dockerIgnored, parseDockerfile, readRepoFile, repoRoot, runtimeImportClosure, type DockerInstruction } from './deploy-files';

const instructions = parseDockerfile(readRepoFile('deploy/Dockerfile'));
const ignorePatterns = readRepoFile('deploy/Dockerfile.dockerignore').split('\n');
const packageJson = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface Stage {
  name: string;
  from: string;
  instructions: DockerInstruction[];
}

function stages(): Stage[] {
  const result: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      result.push({ name: m?.[2] ?? String(result.length), from: m?.[1] ?? '', instructions: [] });
    } else result[result.length - 1]?.instructions.push(instruction);
  }
  return result;
}

/** Repository paths copied from the build context (COPY without --from) in one stage. */
function contextCopies(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => {
    const { options, sources } = copyOperands(i.args);
    return options.has('from') ? [] : sources.map((s) => s.replace(/\/+$/, ''));
  });
}

const all = stages();
const final = all[all.length - 1] as Stage;
const build = all.find((s) => s.name === 'build') as Stage;

describe('deploy/Dockerfile', () => {
  it('is multi-stage: a build stage with dev dependencies, a production-only stage, a small final image', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'deps', String(all.length - 1)]);
    const args = instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args);
    expect(args).toContain('NODE_IMAGE=node:20-slim');
    for (const s of all) expect(s.from).toBe('${NODE_IMAGE}');
    const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs(build).some((r) => /npm (ci|install)\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(runs(build)).toContain('npm run build');
    expect(runs(all[1] as Stage).some((r) => /npm (ci|install)\b.*--omit=dev/.test(r))).toBe(true);
    // The final image copies only compiled code and production node_modules.
    const finalCopies = final.instructions.filter((i) => i.keyword === 'COPY').map((i) => copyOperands(i.args));
    expect(finalCopies.filter((c) => c.options.get('from') === 'deps').map((c) => c.sources)).toEqual([['/app/node_modules']]);
    expect(finalCopies.filter((c) => c.options.get('from') === 'build').map((c) => c.sources)).toEqual([['/app/dist']]);
    expect(runs(final)).toEqual([]);
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(user.length).toBe(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args)).toContain('NODE_ENV=production');
  });

  it('every COPY source exists in the repository and is not excluded by Dockerfile.dockerignore', () => {
    const sources = all.flatMap(contextCopies);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(path.join(repoRoot, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: dockerIgnored(ignorePatterns, source) }).toEqual({ source, ignored: false });
    }
  });

  it('the ignore file keeps the context small and drops tests', () => {
    for (const p of ['node_modules/kafkajs/index.js', '.stack/kafka/data', 'datasets/x.csv', 'test/unit/x.test.ts', 'core/config/env-spec.test.ts', 'deploy/.env']) {
      expect({ p, ignored: dockerIgnored(ignorePatterns, p) }).toEqual({ p, ignored: true });
    }
    expect(dockerIgnored(ignorePatterns, 'core/config/env-spec.ts')).toBe(false);
  });

  it.each(services.map((s) => [s.name, s] as const))('%s: the build stage has every file its entry point loads, and the image every package', (_name, s) => {
    const copied = contextCopies(build);
    const { files, packages } = runtimeImportClosure(s.script);
    expect(files.size).toBeGreaterThan(1);
    const uncopied = [...files].filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)) || dockerIgnored(ignorePatterns, f));
    expect(uncopied).toEqual([]);
    // `npm ci --omit=dev` leaves devDependencies out of the image.
    const notRuntime = [...packages].filter((p) => !(p in packageJson.dependencies));
    expect(notRuntime).toEqual([]);
    // The build runs tsc on the copied folders: tsconfig files must be there too.
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']));
  });

  it('the health check probes each service\'s health port variable and default', () => {
    const healthcheck = final.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    for (const s of services) {
      expect(healthcheck).toContain(`e.${s.healthPortVariable}||${s.healthPort}`);
    }
    expect(healthcheck).toContain("'/health'");
    const exposed = final.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed.map(Number).sort()).toEqual(services.map((s) => s.healthPort).sort());
  });

  it('the header lists the same commands as deploy/services.ts', () => {
    const text = readRepoFile('deploy/Dockerfile');
    for (const s of services) expect(text).toContain(`meterflow ${s.name} `);
  });

  it('puts `meterflow` (the compiled dispatcher) on PATH, and the build stage has every file the dispatcher loads', () => {
    expect(build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).some((r) => r.includes('ln -s ../cli/meterflow.js dist/bin/meterflow') && r.includes('chmod +x dist/cli/meterflow.js'))).toBe(true);
    expect(final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args)).toContain('PATH=/app/dist/bin:$PATH');
    const copied = contextCopies(build);
    const { files } = runtimeImportClosure('cli/meterflow.ts');
    for (const s of services) expect(files).toContain(s.script);
    const uncopied = [...files].filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)) || dockerIgnored(ignorePatterns, f));
    expect(uncopied).toEqual([]);
  });
});
