import { appendFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { libDirs } from '../../../deploy/stack/artifacts';
import { isPortFree } from '../../../deploy/stack/ports';
import { spawnDetached, stopProcess, tailFile, type Spawned } from '../../../deploy/stack/process-control';
import { questdbServer } from '../../../deploy/stack/questdb-server';
import { findProgram, type Tools } from '../../../deploy/stack/requirements';
import { loadStackOptions } from '../../../deploy/stack/stack-options';
import { waitFor } from './wait-for';

/**
 * A QuestDB of one test's own (own ports, own root under `dir`), for tests that stop it, delete
 * its data or restore it: the shared stack's QuestDB holds every other test's rows. It runs the
 * shared stack's jar with the stack's own server.conf (deploy/stack/questdb-server.ts).
 */
export interface PrivateQuestdb {
  /** QuestDB's root (conf/, db/, …): what `-d` names. */
  root: string;
  /** MF_* variables that point services and commands at it. */
  env: Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Deletes the root's data (db/ and the checkpoint folder): the disaster. */
  destroyData(): void;
}

async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = 21000 + Math.floor(Math.random() * 8000); ports.length < count; port += 1) {
    if (await isPortFree(port)) ports.push(port);
  }
  return ports;
}

export async function createPrivateQuestdb(dir: string): Promise<PrivateQuestdb> {
  const [httpPort, pgPort, ilpTcpPort, healthPort] = (await freePorts(4)).map(String) as [string, string, string, string];
  const options = loadStackOptions({ MF_STACK_DIR: dir, MF_QUESTDB_HTTP_PORT: httpPort, MF_QUESTDB_PG_PORT: pgPort, MF_QUESTDB_ILP_TCP_PORT: ilpTcpPort, MF_QUESTDB_HEALTH_PORT: healthPort, MF_QUESTDB_HEAP: '384m' });
  const server = questdbServer(options);
  const java = findProgram('java', process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin')] : []);
  if (!java) throw new Error('java not found (the local stack needs it too)');
  // The jar the shared stack resolved (global setup ran `stack up`).
  const lib = libDirs(loadStackOptions().stackDir);
  let running: Spawned | null = null;
  return {
    root: server.files.dir,
    env: { MF_QUESTDB_HTTP_URL: `http://127.0.0.1:${httpPort}`, MF_QUESTDB_PG_PORT: pgPort, MF_QUESTDB_HTTP_PORT: httpPort },
    async start() {
      const launch = await server.prepare({ tools: { java } as Tools, lib, log: () => undefined });
      // Small mapped pages: a writer maps each column file 16 MB at a time by default, so even a
      // nearly empty database is gigabytes of zeros to copy in a backup test on shared disks.
      appendFileSync(path.join(server.files.dir, 'conf', 'server.conf'), 'cairo.writer.data.append.page.size=256K\ncairo.wal.writer.data.append.page.size=256K\n');
      const spawned = spawnDetached(launch, server.files);
      running = spawned;
      await waitFor(
        'the private QuestDB to answer',
        async () => {
          if (spawned.exitReason()) throw new Error(`private QuestDB exited (${spawned.exitReason()}):\n${tailFile(server.files.logFile, 30)}`);
          return server.probe().then(() => true, () => false);
        },
        (up) => up,
        120_000,
        500,
      );
    },
    async stop() {
      if (running) await stopProcess(running.pid, server.processMarker, server.stopTimeoutMs);
      running = null;
    },
    destroyData() {
      for (const name of ['db', '.checkpoint', 'snapshot']) rmSync(path.join(server.files.dir, name), { recursive: true, force: true });
    },
  };
}
