import * as path from 'node:path';
import { describeFlags, parseFlags, type FlagSpec } from '../../core/cli-args';
import { loadConfig, type Config } from '../../core/config';
import { describeError, isMeterflowError, MeterflowError } from '../../core/errors';
import { createKafkaClient } from '../../core/kafka';
import { silentLogger } from '../../core/logger';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import { createQuestdbPool } from '../../core/questdb/questdb-sql';
import { loadStackOptions } from '../stack/stack-options';
import { createBackup } from './create-backup';
import { pipelineGroups } from './pipeline-groups';
import { restoreBackup } from './restore-backup';

const createFlags: FlagSpec[] = [
  { name: 'to', kind: 'string', description: 'a new folder for the backup (required)' },
  { name: 'questdb-root', kind: 'string', description: "QuestDB's root folder to copy (default: the local stack's, $MF_STACK_DIR/questdb)" },
  { name: 'copy-command', kind: 'string', description: "instead of copying files: a shell command that copies QuestDB's root into $MF_BACKUP_QUESTDB_DIR while the checkpoint is held (compose, Kubernetes)" },
  { name: 'groups', kind: 'string', description: 'comma-separated consumer groups to record (default: the sink, processors, command log and edge-stats alerts groups of this configuration)' },
  { name: 'settle-s', kind: 'int', default: '120', description: 'how long to wait for QuestDB to apply the transactions committed before the offsets were read' },
  { name: 'help', kind: 'bool', description: 'this text' },
];

const restoreFlags: FlagSpec[] = [
  { name: 'from', kind: 'string', description: 'the backup folder (required)' },
  { name: 'questdb-root', kind: 'string', description: "QuestDB's root folder to restore into, QuestDB stopped (default: the local stack's, $MF_STACK_DIR/questdb)" },
  { name: 'offsets-only', kind: 'bool', description: "only move the consumer groups back; QuestDB's files are restored by the operator (volume snapshot, kubectl cp) with a _restore file" },
  { name: 'replace', kind: 'bool', description: "delete the data already in --questdb-root (it is what the backup replaces) instead of refusing" },
  { name: 'force', kind: 'bool', description: 'restore even when Kafka no longer holds records after the backup (retention): those records are lost, the groups start at the oldest record left' },
  { name: 'help', kind: 'bool', description: 'this text' },
];

export const usage = `Usage: npm run backup -- create --to DIR [flags]
       npm run backup -- restore --from DIR [flags]

create   a consistent backup while ingest keeps running: the consumer groups' committed offsets,
         then QuestDB's files under CHECKPOINT CREATE … CHECKPOINT RELEASE, then DIR/manifest.json.
restore  with the sink and the processors stopped (and QuestDB stopped unless --offsets-only): puts
         QuestDB's files back with the _restore trigger and moves each recorded group back to the
         backup's offsets; start QuestDB, then the services: they replay what came after the backup,
         rewriting rows idempotently, so every reading is stored once and every invoice is the same.

See docs/backup-restore.md (local stack, docker compose, Kubernetes, and why nothing is lost or doubled).

Examples:
  npm run backup -- create --to /backups/meterflow-2026-12-01
  npm run backup -- restore --from /backups/meterflow-2026-12-01 --replace
  npm run backup -- create --to /backups/b1 --copy-command 'docker compose cp questdb:/var/lib/questdb/. "$MF_BACKUP_QUESTDB_DIR"'

create flags:
${describeFlags(createFlags)}

restore flags:
${describeFlags(restoreFlags)}

Environment (docs/configuration.md): MF_KAFKA_BROKERS, MF_QUESTDB_PG_*, MF_QUESTDB_HTTP_URL, MF_SINK_GROUP_ID,
MF_PROCESSORS_GROUP_ID, MF_COMMAND_LOG_GROUP_ID (the groups), MF_STACK_DIR (the default --questdb-root).
Exit status: 0 done; 1 failed or refused (the message says why and what to do); 2 bad usage.`;

type Env = Record<string, string | undefined>;

/**
 * \`npm run backup -- <create|restore> …\`; resolves with the exit status. \`out\` receives the
 * progress lines (stdout by default).
 */
export async function main(argv: readonly string[], env: Env = process.env, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || rest.includes('--help')) {
    out(usage);
    return command === undefined ? 2 : 0;
  }
  let run: () => Promise<void>;
  try {
    const config = loadConfig(env);
    const rootOf = (flag: unknown) => (typeof flag === 'string' ? path.resolve(flag) : path.join(loadStackOptions(env).stackDir, 'questdb'));
    if (command === 'create') {
      const f = parseFlags([...rest], createFlags);
      if (typeof f.to !== 'string') throw new MeterflowError('CONFIG_INVALID', '--to is required: a new folder for the backup');
      if (f['copy-command'] !== undefined && f['questdb-root'] !== undefined) throw new MeterflowError('CONFIG_INVALID', '--copy-command and --questdb-root exclude each other: either this command copies the files, or yours does');
      const to = path.resolve(f.to);
      const copyCommand = typeof f['copy-command'] === 'string' ? f['copy-command'] : null;
      const groups = typeof f.groups === 'string' ? parseGroups(f.groups) : pipelineGroups(config);
      run = () => withClients(config, async ({ kafka, questdb }) => {
        const started = Date.now();
        const m = await createBackup({ to, questdbRoot: copyCommand ? null : rootOf(f['questdb-root']), copyCommand, questdb, kafka, groups, settleTimeoutMs: (f['settle-s'] as number) * 1000, progress: out });
        out(`Backup done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${to} (${m.questdb.tables.length} tables, ${m.groups.length} consumer groups)`);
      });
    } else if (command === 'restore') {
      const f = parseFlags([...rest], restoreFlags);
      if (typeof f.from !== 'string') throw new MeterflowError('CONFIG_INVALID', '--from is required: the backup folder');
      if (f['offsets-only'] && f['questdb-root'] !== undefined) throw new MeterflowError('CONFIG_INVALID', '--offsets-only restores no files: drop --questdb-root');
      const from = path.resolve(f.from);
      const questdbRoot = f['offsets-only'] ? null : rootOf(f['questdb-root']);
      run = () => withClients(config, async ({ kafka }) => {
        await restoreBackup({ from, questdbRoot, questdbRunning: () => answers(config.string('MF_QUESTDB_HTTP_URL')), kafka, replace: f.replace === true, force: f.force === true, progress: out });
        out(`Restore done. Next: start QuestDB${questdbRoot ? ' (it rolls back to the checkpoint and deletes _restore)' : ''}, then the sink and the processors: they replay from the backup's offsets.`);
      });
    } else {
      throw new MeterflowError('CONFIG_INVALID', `unknown command "${command}": expected create or restore (see --help)`);
    }
  } catch (error) {
    out(`backup: ${describeError(error)}`);
    return 2;
  }
  try {
    await run();
    return 0;
  } catch (error) {
    out(`backup ${command}: ${describeError(error)}`);
    if (!isMeterflowError(error) && error instanceof Error && error.stack) out(error.stack);
    return 1;
  }
}

function parseGroups(text: string): string[] {
  const groups = text.split(',').map((g) => g.trim()).filter(Boolean);
  if (!groups.length) throw new MeterflowError('CONFIG_INVALID', '--groups: give at least one consumer group');
  return groups;
}

async function withClients(config: Config, work: (c: { kafka: ReturnType<typeof createKafkaClient>; questdb: ReturnType<typeof createQuestdbPool> }) => Promise<void>): Promise<void> {
  const kafka = createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: 'meterflow-backup', logger: silentLogger });
  const questdb = createQuestdbPool({ ...questdbPgFromConfig(config), max: 2 });
  try {
    await work({ kafka, questdb });
  } finally {
    await questdb.end();
  }
}

async function answers(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${httpUrl}/exec?query=${encodeURIComponent('SELECT 1')}`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}
