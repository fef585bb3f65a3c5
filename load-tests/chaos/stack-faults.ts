import { createServer } from 'node:net';
import { isOurProcess, readPid, serverFiles } from '../../deploy/stack/process-control';
import { startStack, stopStack, type ServerName } from '../../deploy/stack/stack';
import { loadStackOptions } from '../../deploy/stack/stack-options';

/** Faults on the local stack's servers (MF_STACK_DIR and the MF_*_PORT variables say which stack). */

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pid the stack keeps for one of its servers, if that server runs. */
export function stackServerPid(name: ServerName): number | undefined {
  const files = serverFiles(loadStackOptions().stackDir, name);
  const pid = readPid(files.pidFile);
  return pid !== undefined && isOurProcess(pid, files.dir) ? pid : undefined;
}

/**
 * kill -9 of a stack server (the stack's own `down` sends SIGTERM first): no shutdown hook
 * runs, nothing is flushed. Resolves once the process is gone.
 */
export async function killStackServer(name: ServerName, log: Log = () => {}): Promise<number> {
  const pid = stackServerPid(name);
  if (pid === undefined) throw new Error(`${name} is not running in ${loadStackOptions().stackDir}`);
  process.kill(pid, 'SIGKILL');
  const dir = serverFiles(loadStackOptions().stackDir, name).dir;
  for (let i = 0; i < 600 && isOurProcess(pid, dir); i++) await sleep(50);
  if (isOurProcess(pid, dir)) throw new Error(`${name} (pid ${pid}) survived SIGKILL`);
  log(`${name}: killed with SIGKILL (pid ${pid})`);
  return pid;
}

/** Starts a stopped or killed stack server again (the stack removes the stale pid file). */
export async function restartStackServer(name: ServerName, log: Log = () => {}): Promise<void> {
  await startStack({ only: [name], log });
}

/** A clean restart (SIGTERM, then start): Mosquitto writes its persistence file on the way down. */
export async function cleanRestartStackServer(name: ServerName, log: Log = () => {}): Promise<void> {
  await stopStack({ only: [name], log });
  await startStack({ only: [name], log });
}

/** A free TCP port on loopback, for a child service's /health. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
