import { z } from 'zod';
import { MeterflowError } from '../../core/errors';

/**
 * manifest.json of a backup folder: what `backup create` recorded besides QuestDB's files. It is
 * written last, so a folder without it is an unfinished backup and `restore` refuses it.
 */
export const backupFormat = 'meterflow-backup/1';
export const manifestFile = 'manifest.json';
/** The folder inside a backup that holds the copy of QuestDB's root (db/, .checkpoint/, …). */
export const questdbDataFolder = 'questdb';

const partitionOffset = z.object({ partition: z.number().int().min(0), offset: z.string().regex(/^-?\d+$/) });
const topicOffsets = z.object({ topic: z.string().min(1), partitions: z.array(partitionOffset) });

const manifestSchema = z.object({
  format: z.literal(backupFormat),
  createdAt: z.string(),
  questdb: z.object({
    /** SELECT build(), for the operator: restore into the same or a newer QuestDB. */
    build: z.string().nullable(),
    /** How the files were copied: by this command from a root folder, or by an operator's command. */
    copiedBy: z.enum(['files', 'command']),
    files: z.number().int().min(0),
    bytes: z.number().min(0),
    /** Each WAL table's transactions at the checkpoint (the backup holds at least these). */
    tables: z.array(z.object({ name: z.string(), txn: z.number().int() })),
  }),
  /**
   * Each consumer group's committed offsets, read before CHECKPOINT CREATE and after QuestDB had
   * applied every transaction committed by then: the backup holds the output of every record
   * below them (docs/backup-restore.md, "Why nothing is lost or doubled").
   */
  groups: z.array(z.object({ groupId: z.string().min(1), topics: z.array(topicOffsets) })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type GroupOffsets = BackupManifest['groups'][number];

/** Parses and checks a manifest; errors name the file and the field. */
export function parseManifest(text: string, file: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MeterflowError('BACKUP_INVALID', `${file} is not JSON: ${(error as Error).message}`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== backupFormat) throw new MeterflowError('BACKUP_INVALID', `${file}: format is ${JSON.stringify(format)}, expected "${backupFormat}" (not a meterflow backup, or of another version)`);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MeterflowError('BACKUP_INVALID', `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
