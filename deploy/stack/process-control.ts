import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Plain-process supervision: each server runs detached (its own session, so it outlives the
 * `up` command and a Ctrl-C in that terminal), with stdout/stderr appended to its log file
 * and its pid written to a pid file. Linux only, which is what the stack targets.
 */

export interface ServerFiles {
  /** <stackDir>/<server>: config, data and log of one server. */
  readonly dir: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export function serverFiles(stackDir: string, server: string): ServerFiles {
  const dir = path.join(stackDir, server);
  return { dir, logFile: path.join(dir, `${server}.log`), pidFile: path.join(dir, `${server}.pid`) };
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live process whose command line contains `marker` (a path inside the
 * stack dir). The marker check keeps a stale pid file from adopting whatever unrelated
 * process later got the same pid. Zombies count as dead.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to someone else, so it is not ours either.
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(marker));
  } catch {
    return false; // vanished between the two reads
  }
}

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts each run's section of a log file. */
export const START_MARKER = '==== ';

export interface Spawned {
  readonly pid: number;
  /** Set once the process has exited, e.g. "exit code 1" or "signal SIGKILL". */
  exitReason(): string | undefined;
}

export function spawnDetached(launch: Launch, files: ServerFiles): Spawned {
  mkdirSync(files.dir, { recursive: true });
  const out = openSync(files.logFile, 'a');
  let reason: string | undefined;
  try {
    writeFileSync(out, `\n${START_MARKER}${new Date().toISOString()} starting: ${launch.command} ${launch.args.join(' ')}\n`);
    const child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      env: launch.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.on('error', (error) => (reason = error.message));
    child.on('exit', (code, signal) => (reason = signal ? `signal ${signal}` : `exit code ${code}`));
    // Do not keep the caller (CLI, jest) alive for the server's sake.
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${launch.command}`);
    writeFileSync(files.pidFile, `${child.pid}\n`);
    return { pid: child.pid, exitReason: () => reason };
  } finally {
    closeSync(out);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM lets each server shut down cleanly (Kafka flushes and closes its logs, QuestDB
 * commits, Mosquitto writes its persistence file); SIGKILL only after `timeoutMs`.
 */
export async function stopProcess(pid: number, marker: string, timeoutMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isOurProcess(pid, marker)) return 'not-running';
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(200);
    if (!isOurProcess(pid, marker)) return 'stopped';
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isOurProcess(pid, marker); i++) await sleep(100);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** How long ago the pid file was written, i.e. since the server was started. */
export function pidFileAgeMs(files: ServerFiles): number {
  try {
    return Date.now() - statSync(files.pidFile).mtimeMs;
  } catch {
    return 0;
  }
}

export function removePidFile(files: ServerFiles): void {
  rmSync(files.pidFile, { force: true });
}

/** The last `lines` lines of a log file (reads at most its last 1 MiB). */
export function tailFile(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.min(size, 1024 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const all = buffer.toString('utf8').replace(/\n$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
