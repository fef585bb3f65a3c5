/**
 * `meterflow stack <command>`: the local Mosquitto + Kafka + QuestDB stack. See README.md.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatHelp, runCliMain, type CliCommand, type CommandHelp } from '../../core/cli-command';
import { artifactsUpToDate, ensureArtifacts, libDirs } from './artifacts';
import { meterMqttPassword, provisionMeterAccounts, revokeMeterAccounts, simulatedFleetIds } from './meter-accounts';
import { mqttTlsUrl } from './mosquitto-client';
import { mosquittoTlsFiles, tlsListenerConfigured } from './mosquitto-tls';
import { serverFiles, tailFile } from './process-control';
import { checkRequirements } from './requirements';
import { startStack, stackStatus, stopStack, type ServerName } from './stack';
import { isStackError } from './stack-error';
import { loadStackOptions } from './stack-options';

const SERVERS: readonly ServerName[] = ['mosquitto', 'kafka', 'questdb'];

const help: CommandHelp = {
  summary: 'The local stack: Mosquitto, Kafka (KRaft) and QuestDB as local processes (up, down, status, logs, …).',
  usage: '<command> [args]',
  description: 'Runs Mosquitto, Kafka (KRaft) and QuestDB as local processes under $MF_STACK_DIR (default .stack/).',
  commands: [
    ['up', 'start what is not running yet and wait until all are healthy'],
    ['down', 'stop the servers (data is kept; rm -rf .stack to reset)'],
    ['status', 'show each server; exit code 1 if one is not healthy'],
    ['logs [server] [-n N]', 'last N lines (default 40) of mosquitto, kafka and/or questdb logs'],
    ['install', 'check requirements and resolve the Kafka/QuestDB jars with mvn'],
    ['provision-meters <id...>', 'give meters MQTT accounts (see meterflow stack provision-meters --help)'],
    ['revoke-meters <id...>', "remove meters' MQTT accounts"],
  ],
  environment: 'MF_STACK_DIR, the ports (MF_MQTT_PORT, MF_KAFKA_PORT, MF_QUESTDB_*_PORT, …) and accounts; see deploy/stack/README.md.',
  examples: ['meterflow stack up', 'meterflow stack logs kafka -n 100', 'meterflow stack provision-meters --prefix sim --count 20 --show-passwords'],
  exitStatus: '0 done; 1 a server is not healthy or a step failed; 2 bad usage.',
};
const HELP = formatHelp('stack', help).trimEnd();

const out = (line: string) => console.log(line);
// Status of commands whose stdout is data (provision-meters --show-passwords is piped into
// device configuration): progress and summaries go to stderr.
const progress = (line: string) => console.error(line);
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
  out(`  MQTT       ${endpoints.mqttUrl}   accounts ${o.mqtt.username} (bridge), ${o.mqtt.fleetUsername} (fleet), one per meter`);
  const tls = mosquittoTlsFiles(o.stackDir);
  if (tlsListenerConfigured(o.stackDir, o.mqtt.tlsPort)) out(`  MQTT TLS   ${mqttTlsUrl(o)}  CA ${relative(tls.caCert)} (MF_MQTT_CA_FILE)`);
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

const METER_IDS_HELP = `  <id>...            meter ids
  --prefix P         with --count: the ids the simulator uses (P-w-0001, P-e-0002, ...)
  --count N          how many such ids
  --profile X        mixed (default, alternating water/electricity), water or electricity
  --file F           more ids, one per line ('#' starts a comment)`;

const PROVISION_HELP = `Usage: meterflow stack provision-meters [<id>...] [--prefix P --count N [--profile X]] [--file F] [--show-passwords]

Gives each meter an MQTT account of the local stack's Mosquitto: username = meter id,
password = HMAC of the id under MF_METER_MASTER_KEY (core/security/meter-secrets.ts). The ACL
lets such an account publish only meters/<id>/readings|stats|acks and read only
meters/<id>/commands. A running broker reloads the accounts (SIGHUP) before this returns.
Idempotent: provisioning a meter again re-derives its password (e.g. after changing the key).

${METER_IDS_HELP}
  --show-passwords   print "<id> <password>" for each meter (to configure devices), the only
                     lines on stdout; status lines go to stderr

\`up\` provisions the demo fleet (sim-w-0001 ... sim-e-0020) by itself. See docs/device-security.md.`;

const REVOKE_HELP = `Usage: meterflow stack revoke-meters [<id>...] [--prefix P --count N [--profile X]] [--file F]

Removes meters' MQTT accounts and reloads a running broker: it closes their open
connections and refuses their logins from then on.

${METER_IDS_HELP}`;

interface MeterIdArgs {
  ids: string[];
  showPasswords: boolean;
  help: boolean;
}

/** Ids from positional arguments, --prefix/--count/--profile and --file. */
function parseMeterIdArgs(args: string[], allowShowPasswords: boolean): MeterIdArgs {
  const parsed: MeterIdArgs = { ids: [], showPasswords: false, help: false };
  let prefix: string | undefined;
  let count: number | undefined;
  let profile: 'mixed' | 'water' | 'electricity' = 'mixed';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--prefix') prefix = value();
    else if (arg === '--count') {
      count = Number(value());
      if (!Number.isInteger(count) || count < 1) throw new Error('--count needs a positive whole number');
    } else if (arg === '--profile') {
      const p = value();
      if (p !== 'mixed' && p !== 'water' && p !== 'electricity') throw new Error(`--profile must be mixed, water or electricity; got "${p}"`);
      profile = p;
    } else if (arg === '--file') {
      const lines = readFileSync(value(), 'utf8').split('\n');
      parsed.ids.push(...lines.map((line) => line.replace(/#.*/, '').trim()).filter(Boolean));
    } else if (arg === '--show-passwords' && allowShowPasswords) parsed.showPasswords = true;
    else if (arg.startsWith('-')) throw new Error(`unknown flag "${arg}" (see --help)`);
    else parsed.ids.push(arg);
  }
  if ((prefix === undefined) !== (count === undefined)) throw new Error('--prefix and --count go together');
  if (prefix !== undefined && count !== undefined) parsed.ids.push(...simulatedFleetIds(prefix, count, profile));
  return parsed;
}

async function provisionMeters(args: string[]): Promise<number> {
  const { ids, showPasswords, help } = parseMeterIdArgs(args, true);
  if (help) {
    out(PROVISION_HELP);
    return 0;
  }
  if (ids.length === 0) {
    console.error(`no meter ids given\n\n${PROVISION_HELP}`);
    return 1;
  }
  const o = loadStackOptions();
  if (!process.env.MF_METER_MASTER_KEY) progress('note: MF_METER_MASTER_KEY is not set; using the development master key');
  const begun = Date.now();
  const result = await provisionMeterAccounts(o, ids, o.meterMasterKey, { log: progress });
  progress(
    `provisioned ${result.provisioned} meter(s) in ${Date.now() - begun} ms; ${result.total} in ${relative(result.file)}; ` +
      (result.reloaded ? 'the running Mosquitto reloaded them' : 'Mosquitto is not running: the next `up` loads them'),
  );
  if (showPasswords) for (const id of new Set(ids)) out(`${id} ${meterMqttPassword(o.meterMasterKey, id)}`);
  return 0;
}

async function revokeMeters(args: string[]): Promise<number> {
  const { ids, help } = parseMeterIdArgs(args, false);
  if (help) {
    out(REVOKE_HELP);
    return 0;
  }
  if (ids.length === 0) {
    console.error(`no meter ids given\n\n${REVOKE_HELP}`);
    return 1;
  }
  const o = loadStackOptions();
  const result = await revokeMeterAccounts(o, ids, o.meterMasterKey, { log: progress });
  progress(`revoked ${result.revoked} of ${new Set(ids).size} meter(s); ${result.total} left; ` + (result.reloaded ? 'the running Mosquitto reloaded' : 'Mosquitto is not running'));
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
    case 'provision-meters':
      return provisionMeters(rest);
    case 'revoke-meters':
      return revokeMeters(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(HELP);
      return command === undefined ? 2 : 0;
    default:
      console.error(`meterflow stack: unknown command "${command}"; see meterflow stack --help`);
      return 2;
  }
}

export const command: CliCommand = {
  help,
  ownParser: true,
  run: ({ argv }) =>
    main(argv).catch((error: unknown) => {
      if (isStackError(error)) console.error(`\nerror ${error.code}: ${error.message}`);
      else console.error(error instanceof Error ? `\nerror: ${error.message}` : error);
      return 1;
    }),
};

if (require.main === module) runCliMain('stack', command);
