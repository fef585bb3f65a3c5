import { runCliMain, type CliCommand } from '../cli-command';
import { runLifecycle } from './lifecycle-command';

// `meterflow lifecycle status|apply`; the command itself is runLifecycle (lifecycle-command.ts).
export const command: CliCommand = {
  help: {
    summary: 'Data lifecycle: how long each QuestDB table and Kafka topic keeps its data (status, apply).',
    usage: '<status|apply> [flags]',
    description: 'Rules: the defaults in docs/retention.md, overridden by MF_RETENTION_TABLES and MF_RETENTION_TOPICS.',
    commands: [
      ['status', "each table's rule, TTL, oldest and newest timestamps, rows, partitions and size; each topic's rule and retention.ms"],
      ['apply', "sets every table's TTL and every topic's retention.ms to its rule (a shorter TTL deletes data at once)"],
    ],
    flags: [
      { name: 'json', kind: 'bool', description: 'print the result as JSON on stdout (progress stays on stderr)' },
      { name: 'dry-run', kind: 'bool', description: 'apply: print what would change, change nothing' },
    ],
    environment: 'MF_RETENTION_TABLES, MF_RETENTION_TOPICS, MF_QUESTDB_PG_*, MF_KAFKA_BROKERS, MF_KAFKA_TOPIC_PREFIX,\n  MF_ROLLING_WINDOWS, MF_ROLLUP_BUCKETS, MF_PROCESSORS_LATENESS_MS, MF_PROCESSORS_HISTORY_IDLE_MS.',
    examples: ['meterflow lifecycle status', 'meterflow lifecycle apply --dry-run', 'meterflow lifecycle status --json'],
    exitStatus: '0 done; 1 QuestDB or Kafka failed; 2 bad usage or configuration.',
  },
  // Its own parser: the verb comes first (lifecycle-command.ts, also called in process by tests).
  ownParser: true,
  run: ({ argv }) => runLifecycle(argv, { stdout: process.stdout, stderr: process.stderr }),
};

if (require.main === module) runCliMain('lifecycle', command);
