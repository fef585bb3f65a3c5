/**
 * The local stack's programmatic API (the CLI in cli.ts and the integration tests' global
 * setup both use it): Mosquitto, Kafka and QuestDB as plain processes under one folder.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { artifactsUpToDate, ensureArtifacts, libDirs, type LibDirs } from './artifacts';
import { kafkaBrokers, kafkaServer } from './kafka-server';
import { mosquittoServer, mqttUrl } from './mosquitto-server';
import { isPortFree } from './ports';
import { isOurProcess, pidFileAgeMs, readPid, START_MARKER, type Launch, removePidFile, spawnDetached, stopProcess, tailFile } from './process-control';
import { questdbHttpUrl, questdbServer } from './questdb-server';
import { checkRequirements, type Tools } from './requirements';
import { StackError } from './stack-error';
import { withStackLock } from './stack-lock';
import { loadStackOptions, questdbAdmin, type StackOptions } from './stack-options';
import type { ServerName, StackServer } from './stack-server';

export { StackError, isStackError, type StackErrorCode } from './stack-error';
export type { ServerName } from './stack-server';

export interface StackEndpoints {
  mqttUrl: string;
  kafkaBrokers: string[];
  questdbHttpUrl: string;
  questdbPg: { host: string; port: number; user: string; password: string; database: string };
  stackDir: string;
}

export interface ServerStatus {
  server: ServerName;
  pid?: number;
  running: boolean;
  healthy: boolean;
  detail: string;
}

type Log = (line: string) => void;

const LOG_TAIL_LINES = 20;
const silent: Log = () => undefined;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function stackServers(o: StackOptions): StackServer[] {
  return [mosquittoServer(o), kafkaServer(o), questdbServer(o)];
}

/** Where the stack's servers listen, from the same MF_* variables; starts nothing. */
export function stackEndpoints(options: StackOptions = loadStackOptions()): StackEndpoints {
  return {
    mqttUrl: mqttUrl(options),
    kafkaBrokers: kafkaBrokers(options),
    questdbHttpUrl: questdbHttpUrl(options),
    questdbPg: { host: '127.0.0.1', port: options.questdb.pgPort, ...questdbAdmin },
    stackDir: options.stackDir,
  };
}

/** The end of a server's log, from its latest start on (process-control marks each start). */
function logTail(server: StackServer): string {
  const lines = tailFile(server.files.logFile, 500).split('\n');
  const lastStart = lines.findLastIndex((line) => line.startsWith(START_MARKER));
  const tail = lines.slice(Math.max(lastStart, lines.length - LOG_TAIL_LINES, 0)).join('\n').trim();
  return tail ? `Last lines of ${server.files.logFile}:\n${tail}` : `(${server.files.logFile} is empty)`;
}

/** Polls the server's probe until healthy; fails early if its process exits. */
async function waitHealthy(server: StackServer, pid: number, exitReason: () => string | undefined): Promise<string> {
  const deadline = Date.now() + server.startTimeoutMs;
  let lastError = 'no probe yet';
  while (Date.now() < deadline) {
    const exited = exitReason() ?? (isOurProcess(pid, server.processMarker) ? undefined : 'process is gone');
    if (exited) {
      removePidFile(server.files);
      throw new StackError('STACK_START_FAILED', `${server.title} exited while starting (${exited}). Read its log, fix the cause, then run \`npm run stack -- up\` again.\n${logTail(server)}`);
    }
    try {
      return await server.probe();
    } catch (error) {
      lastError = describe(error);
    }
    await sleep(500);
  }
  throw new StackError(
    'STACK_HEALTH_TIMEOUT',
    `${server.title} (pid ${pid}) was not healthy after ${server.startTimeoutMs / 1000} s (last probe: ${lastError}). ` +
      `It was left running: a slow machine may just need another \`npm run stack -- up\`; otherwise \`npm run stack -- down\` and read its log.\n${logTail(server)}`,
  );
}

type Plan = { action: 'reuse' } | { action: 'wait'; pid: number } | { action: 'start' };

/**
 * Decides what `up` does with one server, before anything is started: reuse our healthy
 * process, wait for ours that is still starting, or start one (its ports must be free).
 */
async function planServer(server: StackServer, log: Log): Promise<Plan> {
  const { name, files } = server;
  const pid = readPid(files.pidFile);
  if (pid !== undefined) {
    if (isOurProcess(pid, server.processMarker)) {
      const problem = await server.probe().then(
        () => undefined,
        (error: unknown) => describe(error),
      );
      if (problem === undefined) return { action: 'reuse' };
      // Young and unhealthy: probably still starting (another `up` or the test setup).
      if (pidFileAgeMs(files) < server.startTimeoutMs) return { action: 'wait', pid };
      throw new StackError(
        'STACK_HEALTH_TIMEOUT',
        `${server.title} (pid ${pid}) is running but unhealthy: ${problem}. Restart it with \`npm run stack -- down\` then \`npm run stack -- up\`.\n${logTail(server)}`,
      );
    }
    log(`${name}: removing stale pid file (pid ${pid} is not this stack's ${name})`);
    removePidFile(files);
  }
  for (const { port, envVar } of server.ports) {
    if (!(await isPortFree(port))) {
      throw new StackError(
        'STACK_PORT_TAKEN',
        `Port ${port} (${envVar}) is already in use by a process this stack did not start, so ${server.title} cannot start. ` +
          `Find it with \`ss -ltnp 'sport = :${port}'\` and stop it, or pick another port, e.g. \`${envVar}=${port + 100} npm run stack -- up\` ` +
          `(and export the same ${envVar} to the services and tests).`,
      );
    }
  }
  return { action: 'start' };
}

/** Carries out a plan; resolves true when this call started the server. */
async function runPlan(server: StackServer, plan: Plan, tools: Tools, lib: () => Promise<LibDirs>, log: Log): Promise<boolean> {
  const { name, files } = server;
  if (plan.action === 'reuse') {
    log(`${name}: already running (pid ${readPid(files.pidFile)}) and healthy, reusing it`);
    return false;
  }
  if (plan.action === 'wait') {
    log(`${name}: running (pid ${plan.pid}) but not healthy yet, waiting`);
    await waitHealthy(server, plan.pid, () => undefined);
    log(`${name}: healthy`);
    return false;
  }

  let launch: Launch;
  try {
    launch = await server.prepare({ tools, lib: await lib(), log });
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError('STACK_START_FAILED', `Could not prepare ${server.title}: ${describe(error)}\n${logTail(server)}`, { cause: error });
  }
  log(`${name}: starting ${server.title}`);
  const started = Date.now();
  const child = spawnDetached(launch, files);
  const detail = await waitHealthy(server, child.pid, child.exitReason);
  log(`${name}: healthy after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid}): ${detail}`);
  return true;
}

/**
 * Starts whatever part of the stack is not already running healthy (idempotent) and waits
 * until all three servers pass their health checks. Servers outlive the calling process.
 * `log` receives progress lines; silent by default.
 */
export async function startStack(opts: { log?: Log; only?: ServerName[] } = {}): Promise<{ endpoints: StackEndpoints; started: string[] }> {
  const log = opts.log ?? silent;
  const options = loadStackOptions();
  mkdirSync(options.stackDir, { recursive: true });
  return withStackLock(options.stackDir, log, () => startLocked(options, log, opts.only));
}

async function startLocked(options: StackOptions, log: Log, only?: ServerName[]): Promise<{ endpoints: StackEndpoints; started: string[] }> {
  const tools = await checkRequirements({ needMaven: !artifactsUpToDate(options.stackDir) });

  // Mosquitto needs no jars, so it starts while mvn resolves Kafka and QuestDB.
  let resolving: Promise<LibDirs> | undefined;
  const jars = () => (resolving ??= ensureArtifacts(options.stackDir, tools.mvn, log));
  const noJars = () => Promise.resolve(libDirs(options.stackDir));

  // Every port is checked before anything starts, so a conflict leaves nothing half-started.
  const planned = await Promise.all(selectServers(stackServers(options), only).map(async (server) => ({ server, plan: await planServer(server, log) })));
  const results = await Promise.allSettled(
    planned.map(({ server, plan }) => runPlan(server, plan, tools, server.name === 'mosquitto' ? noJars : jars, log)),
  );

  // Deduplicated: a failed mvn run rejects both Kafka and QuestDB with the same error.
  const failures = [...new Set(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])))];
  for (const extra of failures.slice(1)) log(`also failed: ${describe(extra)}`);
  if (failures.length > 0) throw failures[0];

  const started = planned.filter((_, i) => {
    const result = results[i];
    return result?.status === 'fulfilled' && result.value;
  });
  return { endpoints: stackEndpoints(options), started: started.map(({ server }) => server.name) };
}

/** Stops the stack's servers (SIGTERM, then SIGKILL after each server's timeout). Data is kept. */
export async function stopStack(opts: { log?: Log; only?: ServerName[] } = {}): Promise<void> {
  const log = opts.log ?? silent;
  const options = loadStackOptions();
  if (!existsSync(options.stackDir)) return log('nothing to stop: no stack at ' + options.stackDir);
  await withStackLock(options.stackDir, log, () => stopLocked(selectServers(stackServers(options), opts.only), log));
}

/** `only` limits start/stop to some servers (tests stop Kafka alone to simulate an outage). */
function selectServers(servers: StackServer[], names?: ServerName[]): StackServer[] {
  return names ? servers.filter((s) => names.includes(s.name)) : servers;
}

async function stopLocked(servers: StackServer[], log: Log): Promise<void> {
  await Promise.all(
    servers.map(async (server) => {
      const pid = readPid(server.files.pidFile);
      if (pid === undefined) {
        log(`${server.name}: not running`);
        return;
      }
      const outcome = await stopProcess(pid, server.processMarker, server.stopTimeoutMs);
      if (isOurProcess(pid, server.processMarker)) {
        throw new StackError('STACK_STOP_FAILED', `${server.title} (pid ${pid}) survived SIGKILL; check it with \`ps -p ${pid}\`.`);
      }
      removePidFile(server.files);
      const said = { stopped: `stopped (pid ${pid})`, killed: `did not stop within ${server.stopTimeoutMs / 1000} s, killed (pid ${pid})`, 'not-running': 'not running (removed stale pid file)' };
      log(`${server.name}: ${said[outcome]}`);
    }),
  );
}

/** One row per server: is our process alive, and does it pass its health check right now. */
export async function stackStatus(): Promise<ServerStatus[]> {
  const options = loadStackOptions();
  return Promise.all(
    stackServers(options).map(async (server): Promise<ServerStatus> => {
      const pid = readPid(server.files.pidFile);
      const running = pid !== undefined && isOurProcess(pid, server.processMarker);
      if (!running) {
        const taken: string[] = [];
        for (const { port, envVar } of server.ports) if (!(await isPortFree(port))) taken.push(`${port} (${envVar})`);
        const detail = taken.length > 0 ? `not running; port ${taken.join(', ')} used by another process` : pid !== undefined ? `not running (stale pid ${pid})` : 'not running';
        return { server: server.name, running: false, healthy: false, detail };
      }
      try {
        return { server: server.name, pid, running: true, healthy: true, detail: await server.probe() };
      } catch (error) {
        return { server: server.name, pid, running: true, healthy: false, detail: `unhealthy: ${describe(error)}` };
      }
    }),
  );
}
