import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './stack-error';

const execFileAsync = promisify(execFile);

/** Absolute paths of the programs the stack runs. */
export interface Tools {
  readonly java: string;
  readonly mosquitto: string;
  readonly mosquittoPasswd: string;
  /** Only needed to resolve jars; undefined when not asked for. */
  readonly mvn?: string;
}

const MIN_JAVA = 17;

// Debian puts mosquitto in /usr/sbin, which is not on a normal user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Absolute path of an executable on PATH or in the sbin folders; undefined when absent. */
export function findProgram(name: string, preferred: string[] = []): string | undefined {
  const dirs = [...preferred, ...(process.env.PATH ?? '').split(path.delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** `java -version` prints e.g. `openjdk version "17.0.15" ...` (or "1.8.0_392" before Java 9) on stderr. */
async function javaMajor(java: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await execFileAsync(java, ['-version'], { timeout: 30_000 });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
    if (!match) return undefined;
    const first = Number(match[1]);
    return first === 1 ? Number(match[2]) : first;
  } catch {
    return undefined;
  }
}

/**
 * Finds java (>= 17), mosquitto and mosquitto_passwd, and mvn when `needMaven`. Reports every
 * missing piece at once, with the Debian command that installs it.
 */
export async function checkRequirements(opts: { needMaven: boolean }): Promise<Tools> {
  const problems: string[] = [];
  const packages = new Set<string>();

  const javaHomeBin = process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin')] : [];
  const java = findProgram('java', javaHomeBin);
  if (!java) {
    problems.push(`java (${MIN_JAVA} or newer) is not installed`);
    packages.add('openjdk-17-jre-headless');
  } else {
    const major = await javaMajor(java);
    if (major === undefined || major < MIN_JAVA) {
      problems.push(`${java} is Java ${major ?? '(unknown version)'}, Kafka 3.9 and QuestDB 9 need Java ${MIN_JAVA} or newer (set JAVA_HOME to pick another one)`);
      packages.add('openjdk-17-jre-headless');
    }
  }

  const mosquitto = findProgram('mosquitto');
  const mosquittoPasswd = findProgram('mosquitto_passwd');
  if (!mosquitto) problems.push('mosquitto (the MQTT broker) is not installed');
  if (!mosquittoPasswd) problems.push('mosquitto_passwd is not installed');
  if (!mosquitto || !mosquittoPasswd) packages.add('mosquitto');

  const mvn = opts.needMaven ? findProgram('mvn') : undefined;
  if (opts.needMaven && !mvn) {
    problems.push('mvn (Maven, resolves the Kafka and QuestDB jars) is not installed');
    packages.add('maven');
  }

  if (problems.length > 0 || !java || !mosquitto || !mosquittoPasswd) {
    throw new StackError(
      'STACK_REQUIREMENT_MISSING',
      `The local stack cannot run:\n  - ${problems.join('\n  - ')}\nInstall with: apt-get install -y ${[...packages].join(' ')}`,
    );
  }
  return { java, mosquitto, mosquittoPasswd, mvn };
}
