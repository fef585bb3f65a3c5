import { libDirs } from '../../../deploy/stack/artifacts';
import { isPortFree } from '../../../deploy/stack/ports';
import { removePidFile, spawnDetached, stopProcess } from '../../../deploy/stack/process-control';
import { questdbHttpUrl, questdbServer } from '../../../deploy/stack/questdb-server';
import { checkRequirements } from '../../../deploy/stack/requirements';
import { loadStackOptions, questdbAdmin } from '../../../deploy/stack/stack-options';
import type { QuestdbPgOptions } from '../../../core/questdb/questdb-sql';

/** A QuestDB of a test's own: its own ports and data dir, for operations that would destroy the shared stack's rows. */
export interface PrivateQuestdb {
  pg: QuestdbPgOptions;
  httpUrl: string;
  stop(): Promise<void>;
}

async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  // Above the stack's ports (18xxx, 19xxx) and below the kernel's ephemeral range.
  for (let port = 20000 + Math.floor(Math.random() * 8000); ports.length < count; port += 1) {
    if (await isPortFree(port)) ports.push(port);
  }
  return ports;
}

/**
 * Starts QuestDB (the shared stack's jar) with its root under `dir` and waits until it answers.
 * The caller stops it; its data stays in `dir`.
 */
export async function startPrivateQuestdb(dir: string): Promise<PrivateQuestdb> {
  const [http, pg, ilp, health] = await freePorts(4);
  const shared = loadStackOptions();
  const options = loadStackOptions({
    ...process.env,
    MF_STACK_DIR: dir,
    MF_QUESTDB_HTTP_PORT: String(http),
    MF_QUESTDB_PG_PORT: String(pg),
    MF_QUESTDB_ILP_TCP_PORT: String(ilp),
    MF_QUESTDB_HEALTH_PORT: String(health),
    MF_QUESTDB_HEAP: '384m',
  });
  const server = questdbServer(options);
  const tools = await checkRequirements({ needMaven: false });
  const launch = await server.prepare({ tools, lib: libDirs(shared.stackDir), log: () => undefined });
  const child = spawnDetached(launch, server.files);
  const stop = async () => {
    await stopProcess(child.pid, server.processMarker, server.stopTimeoutMs);
    removePidFile(server.files);
  };
  const deadline = Date.now() + server.startTimeoutMs;
  for (;;) {
    const exited = child.exitReason();
    if (exited) throw new Error(`private QuestDB exited (${exited}); see ${server.files.logFile}`);
    if (await server.probe().then(() => true, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`private QuestDB not healthy after ${server.startTimeoutMs / 1000} s; see ${server.files.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { pg: { host: '127.0.0.1', port: pg!, ...questdbAdmin, max: 2 }, httpUrl: questdbHttpUrl(options), stop };
}
