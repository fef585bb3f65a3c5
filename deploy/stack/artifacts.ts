import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './stack-options';
import { StackError } from './stack-error';

/** Where the jars of one stack live. */
export interface LibDirs {
  readonly kafka: string;
  /** The single QuestDB jar (native libraries and web console are inside it). */
  readonly questdbJar: string;
}

export const pomPath = path.join(repoRoot, 'deploy', 'pom.xml');

export function libDirs(stackDir: string): LibDirs {
  const lib = path.join(stackDir, 'lib');
  return { kafka: path.join(lib, 'kafka'), questdbJar: path.join(lib, 'questdb', 'questdb.jar') };
}

function pomHash(): string {
  return createHash('sha256').update(readFileSync(pomPath)).digest('hex');
}

function markerPath(stackDir: string): string {
  return path.join(stackDir, 'lib', '.pom-sha256');
}

/** True when lib/ holds what the current pom.xml describes; mvn need not run. */
export function artifactsUpToDate(stackDir: string): boolean {
  const dirs = libDirs(stackDir);
  const marker = markerPath(stackDir);
  if (!existsSync(marker) || !existsSync(dirs.questdbJar) || !existsSync(dirs.kafka)) return false;
  if (!readdirSync(dirs.kafka).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) return false;
  return readFileSync(marker, 'utf8').trim() === pomHash();
}

/**
 * Copies Kafka (with its runtime dependencies) and QuestDB into <stackDir>/lib via
 * deploy/pom.xml, unless lib/ already matches the pom. The old jars are removed first so a
 * version bump never leaves two Kafka versions on one classpath.
 */
export async function ensureArtifacts(stackDir: string, mvn: string | undefined, log: (line: string) => void): Promise<LibDirs> {
  const dirs = libDirs(stackDir);
  if (artifactsUpToDate(stackDir)) return dirs;
  if (!mvn) throw new StackError('STACK_REQUIREMENT_MISSING', 'The Kafka/QuestDB jars are missing and mvn was not found. Install with: apt-get install -y maven');

  const lib = path.join(stackDir, 'lib');
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  log('resolving Kafka and QuestDB with mvn… (only when the jars are missing or deploy/pom.xml changed)');

  const args = ['-B', '-q', '-Dstyle.color=never', '-f', pomPath, 'package', `-Dstack.lib=${lib}`];
  await new Promise<void>((resolve, reject) => {
    execFile(mvn, args, { cwd: repoRoot, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
      reject(
        new StackError(
          'STACK_ARTIFACTS_FAILED',
          `mvn could not resolve the stack's jars (${error.message.split('\n')[0]}).\n` +
            `Check that Maven can reach its repository (try: mvn -B -f deploy/pom.xml package), then run \`npm run stack -- install\` again.\n${output}`,
          { cause: error },
        ),
      );
    });
  });
  rmSync(path.join(lib, '.mvn-target'), { recursive: true, force: true });
  if (!existsSync(dirs.questdbJar)) {
    throw new StackError('STACK_ARTIFACTS_FAILED', `mvn finished but ${dirs.questdbJar} is missing; check deploy/pom.xml.`);
  }
  writeFileSync(markerPath(stackDir), `${pomHash()}\n`);
  return dirs;
}
