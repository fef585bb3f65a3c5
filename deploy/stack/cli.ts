/**
 * `npm run stack -- <command>`: the local Mosquitto + Kafka + QuestDB stack. See README.md.
 */
import * as path from 'node:path';
import { artifactsUpToDate, ensureArtifacts, libDirs } from './artifacts';
import { serverFiles, tailFile } from './process-control';
import { checkRequirements } from './requirements';
import { startStack, stackStatus, stopStack, type ServerName } from './stack';
import { isStackError } from './stack-error';
import { loadStackOptions } from './stack-options';

const SERVERS: readonly ServerName[] = ['mosquitto', 'kafka', 'questdb'];

const HELP = `Usage: npm run stack -- <command>

Runs Mosquitto, Kafka (KRaft) and QuestDB as local processes under $MF_STACK_DIR (default .stack/).

Commands:
  up                       start what is not running yet and wait until all are healthy
  down                     stop the servers (data is kept; rm -rf .stack to reset)
  status                   show each server; exit code 1 if one is not healthy
  logs [server] [-n N]     last N lines (default 40) of mosquitto, kafka and/or questdb logs
  install                  check requirements and resolve the Kafka/QuestDB jars with mvn
  --help                   this text

Ports and accounts come from MF_* variables; see deploy/stack/README.md.`;

const out = (line: string) => console.log(line);
const relative = (p: string) => {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel || '.';
};

async function up(): Promise<number> {
  const begun = Date.now();
  const { endpoints, started } = await startStack({ log: out });
  const o = loadStackOptions();
  const reused = SERVERS.filter((s) => !started.includes(s));
  const pg = endpoints.questdbPg;
  out('');
  out(`Stack is up in ${((Date.now() - begun) / 1000).toFixed(1)} s (started: ${started.join(', ') || 'none'}; reused: ${reused.join(', ') || 'none'})`);
  out(`  MQTT       ${endpoints.mqttUrl}   accounts ${o.mqtt.username} (bridge), ${o.mqtt.fleetUsername} (fleet)`);
  out(`  Kafka      ${endpoints.kafkaBrokers.join(',')}`);
  out(`  QuestDB    ${endpoints.questdbHttpUrl}   web console, REST /exec, ILP over HTTP; ILP over TCP on 127.0.0.1:${o.questdb.ilpTcpPort}`);
  out(`  PG wire    postgresql://${pg.user}:${pg.password}@${pg.host}:${pg.port}/${pg.database}   read-only user ${o.questdb.readonlyUser}`);
  out(`  Data+logs  ${relative(endpoints.stackDir)}   (npm run stack -- logs <server>)`);
  return 0;
}

async function status(): Promise<number> {
  const rows = await stackStatus();
  out(`${'server'.padEnd(10)} ${'pid'.padEnd(8)} ${'state'.padEnd(10)} detail`);
  for (const row of rows) {
    const state = row.healthy ? 'healthy' : row.running ? 'UNHEALTHY' : 'stopped';
    out(`${row.server.padEnd(10)} ${String(row.pid ?? '-').padEnd(8)} ${state.padEnd(10)} ${row.detail}`);
  }
  return rows.every((r) => r.healthy) ? 0 : 1;
}

function logs(args: string[]): number {
  let lines = 40;
  const chosen: ServerName[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-n' || arg === '--lines') {
      lines = Number(args[++i]);
      if (!Number.isInteger(lines) || lines < 1) throw new Error(`${arg} needs a positive number`);
    } else if ((SERVERS as readonly string[]).includes(arg)) {
      chosen.push(arg as ServerName);
    } else {
      throw new Error(`unknown server "${arg}"; expected one of ${SERVERS.join(', ')}`);
    }
  }
  const { stackDir } = loadStackOptions();
  for (const server of chosen.length > 0 ? chosen : SERVERS) {
    const { logFile } = serverFiles(stackDir, server);
    if (chosen.length !== 1) out(`==> ${relative(logFile)} <==`);
    out(tailFile(logFile, lines) || `(no log yet at ${relative(logFile)})`);
  }
  return 0;
}

async function install(): Promise<number> {
  const { stackDir } = loadStackOptions();
  const tools = await checkRequirements({ needMaven: !artifactsUpToDate(stackDir) });
  out(`java ${tools.java}, mosquitto ${tools.mosquitto}, mosquitto_passwd ${tools.mosquittoPasswd}${tools.mvn ? `, mvn ${tools.mvn}` : ''}`);
  const lib = await ensureArtifacts(stackDir, tools.mvn, out);
  out(`jars ready: ${relative(lib.kafka)}, ${relative(libDirs(stackDir).questdbJar)}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up();
    case 'down':
      await stopStack({ log: out });
      return 0;
    case 'status':
      return status();
    case 'logs':
      return logs(rest);
    case 'install':
      return install();
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(HELP);
      return command === undefined ? 1 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${HELP}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isStackError(error)) console.error(`\nerror ${error.code}: ${error.message}`);
    else console.error(error instanceof Error ? `\nerror: ${error.message}` : error);
    process.exitCode = 1;
  },
);
