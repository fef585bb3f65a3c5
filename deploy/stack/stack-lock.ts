import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { StackError } from './stack-error';

/**
 * `up` and `down` hold <stackDir>/.lock while they run, so that two of them at once (a
 * terminal and the test setup, say) cannot both start a server and race for its ports and
 * pid file. The second one waits; a lock left by a dead process is taken over.
 */
export async function withStackLock<T>(stackDir: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const lockFile = path.join(stackDir, '.lock');
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockFile);
    if (holder === undefined) continue; // released meanwhile
    if (!isAlive(holder)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new StackError('STACK_LOCKED', `Another stack command (pid ${holder}) has held ${lockFile} for 10 minutes; stop it, or remove the file if it is stale.`);
    }
    if (!announced) log(`waiting for another stack command (pid ${holder}) to finish`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function readHolder(lockFile: string): number | undefined {
  try {
    return Number(readFileSync(lockFile, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
