import { runCliMain, type CliCommand } from '../../core/cli-command';
import { main } from './backup-command';

// `meterflow backup create|restore …`; the command itself is main (backup-command.ts, also called in process by tests).
export const command: CliCommand = {
  help: {
    summary: "Backup and restore: QuestDB's files under a checkpoint, with the consumer groups' offsets (create, restore).",
    usage: '<create|restore> [flags]',
    description: 'A consistent backup while ingest keeps running, and a restore that resumes the pipeline without loss or double counting (docs/backup-restore.md).',
    commands: [
      ['create', "records the consumer groups' offsets, then copies QuestDB's root under CHECKPOINT CREATE … RELEASE; --to DIR"],
      ['restore', 'with the services stopped: puts the files back with the _restore trigger and moves each group back to its offsets; --from DIR'],
    ],
    flags: [],
    environment: 'MF_STACK_DIR, MF_QUESTDB_PG_*, MF_KAFKA_BROKERS, MF_KAFKA_TOPIC_PREFIX, MF_SINK_GROUP_ID, MF_PROCESSORS_GROUP_ID.',
    examples: ['meterflow backup create --to /backups/2026-12-01', 'meterflow backup restore --from /backups/2026-12-01', 'meterflow backup create --help'],
    exitStatus: '0 done; 1 failed; 2 bad usage or a refusal (services still running, data in the way, records lost to retention).',
  },
  // Its own parser: the verb comes first, each verb has its flags (backup-command.ts).
  ownParser: true,
  run: ({ argv }) => main(argv),
};

if (require.main === module) runCliMain('backup', command);
