import { describeFlags, parseFlags, type FlagSpec } from '../cli-args';
import { loadConfig, type RawEnv } from '../config';
import { describeError, MeterflowError } from '../errors';
import { createKafkaClient } from '../kafka/kafka-client';
import { createLogger, type LogFormat, type LogLevel } from '../logger';
import { questdbPgFromConfig } from '../questdb/questdb-pg-options';
import { createQuestdbPool } from '../questdb/questdb-sql';
import { formatLifecycleStatus } from './format-status';
import { readLifecycleStatus } from './lifecycle-status';
import { loadRetentionRules } from './retention-policy';
import { applyRetention, describeAction, planRetention } from './retention-plan';

const flags: FlagSpec[] = [
  { name: 'json', kind: 'bool', description: 'print the result as JSON on stdout (progress stays on stderr)' },
  { name: 'dry-run', kind: 'bool', description: 'apply: print what would change, change nothing' },
  { name: 'help', kind: 'bool', description: 'this text' },
];

export const lifecycleUsage = `Usage: npm run lifecycle -- <status|apply> [flags]

Data lifecycle: how long each QuestDB table and Kafka topic keeps its data (docs/retention.md).
  status   each table's rule, the TTL it has now, its oldest and newest timestamps, rows, partitions and
           size on disk; each topic's rule and retention.ms
  apply    sets every table's TTL (ALTER TABLE … SET TTL) and every topic's retention.ms to its rule.
           A shorter TTL drops the partitions it excludes at once: this deletes data.

Rules: the defaults in docs/retention.md, overridden by MF_RETENTION_TABLES (e.g. readings=400d,edge_stats=90d)
and MF_RETENTION_TOPICS (e.g. readings=14d); a period is <n>h|d|w|mo|y or forever.

Flags:
${describeFlags(flags)}

Environment (docs/configuration.md): MF_RETENTION_TABLES, MF_RETENTION_TOPICS, MF_QUESTDB_PG_*, MF_KAFKA_BROKERS,
MF_KAFKA_TOPIC_PREFIX, and the processors' MF_ROLLING_WINDOWS, MF_ROLLUP_BUCKETS, MF_PROCESSORS_LATENESS_MS,
MF_PROCESSORS_HISTORY_IDLE_MS (they bound the raw readings' rule).
Exit status: 0 done; 1 QuestDB or Kafka failed; 2 bad usage or configuration.`;

export interface LifecycleIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: RawEnv;
}

/** The `lifecycle` command; returns its exit status. */
export async function runLifecycle(argv: readonly string[], io: LifecycleIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`lifecycle: ${line}\n`);
  const [verb, ...rest] = argv;
  let options: ReturnType<typeof parseFlags>;
  let rules: ReturnType<typeof loadRetentionRules>;
  let config: ReturnType<typeof loadConfig>;
  try {
    options = parseFlags(verb === undefined || verb.startsWith('--') ? [...argv] : rest, flags);
    if (options.help) {
      io.stdout.write(`${lifecycleUsage}\n`);
      return 0;
    }
    if (verb !== 'status' && verb !== 'apply') throw new MeterflowError('CONFIG_INVALID', `say status or apply${verb ? `, not "${verb}"` : ''} (see --help)`);
    if (options['dry-run'] && verb !== 'apply') throw new MeterflowError('CONFIG_INVALID', '--dry-run goes with apply');
    config = loadConfig(io.env ?? process.env);
    rules = loadRetentionRules(config);
  } catch (error) {
    say(describeError(error));
    return 2;
  }

  // Its stdout is the status (a table or --json): log lines go to stderr.
  const logger = createLogger('lifecycle', { level: config.string('MF_LOG_LEVEL') as LogLevel, format: config.string('MF_LOG_FORMAT') as LogFormat, destination: 'stderr' });
  const questdb = createQuestdbPool({ ...questdbPgFromConfig(config), max: 2 });
  const kafka = createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: 'meterflow-lifecycle', logger });
  try {
    let status = await readLifecycleStatus(rules, questdb, kafka);
    if (verb === 'status') {
      io.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatLifecycleStatus(status)}\n`);
      return 0;
    }
    const actions = planRetention(status);
    if (actions.length === 0) say('every existing table and topic already has its rule');
    if (options['dry-run']) {
      for (const action of actions) say(`would apply ${describeAction(action)}`);
    } else {
      await applyRetention(actions, questdb, kafka, say);
      if (actions.length > 0) status = await readLifecycleStatus(rules, questdb, kafka);
    }
    io.stdout.write(options.json ? `${JSON.stringify({ applied: !options['dry-run'], actions, status }, null, 2)}\n` : `${formatLifecycleStatus(status)}\n`);
    return 0;
  } catch (error) {
    say(`${describeError(error)} (is the stack up? npm run stack -- up)`);
    return 1;
  } finally {
    await questdb.end();
  }
}
