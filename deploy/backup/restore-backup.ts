import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MeterflowError } from '../../core/errors';
import type { KafkaClient, TopicOffsets } from '../../core/kafka';
import { manifestFile, parseManifest, questdbDataFolder, type BackupManifest } from './backup-manifest';
import { copyTree } from './copy-tree';
import { isQuestdbDataEntry } from './create-backup';
import { planOffsetReset, type OffsetPlan, type Watermark } from './offset-plan';

export interface RestoreBackupOptions {
  from: string;
  /** QuestDB's root folder to restore into (QuestDB stopped); null: files restored by the operator, offsets only. */
  questdbRoot: string | null;
  /** Whether a QuestDB answers queries now (it must not, while its files are replaced). */
  questdbRunning(): Promise<boolean>;
  kafka: KafkaClient;
  /** Delete the data already in questdbRoot (db/, …) instead of refusing. */
  replace: boolean;
  /** Go on when Kafka no longer holds records after the backup (they are lost); reset those partitions to their oldest record. */
  force: boolean;
  progress(line: string): void;
}

export function readManifest(from: string): BackupManifest {
  const file = path.join(from, manifestFile);
  if (!existsSync(file)) throw new MeterflowError('BACKUP_INVALID', `${file} does not exist: not a backup folder, or its backup did not finish`);
  return parseManifest(readFileSync(file, 'utf8'), file);
}

/**
 * Puts QuestDB's files back with the `_restore` trigger (QuestDB rolls its tables back to the
 * checkpoint when it next starts) and moves every recorded group's offsets back to the backup's,
 * after checking that nothing runs that would race it: QuestDB, and any member of those groups.
 */
export async function restoreBackup(o: RestoreBackupOptions): Promise<{ manifest: BackupManifest; plan: OffsetPlan }> {
  const manifest = readManifest(o.from);
  o.progress(`backup of ${manifest.createdAt} (QuestDB ${manifest.questdb.build ?? 'version unknown'}), ${manifest.groups.length} consumer groups`);

  o.progress('1/4 checking that the consumer groups are stopped');
  const running: string[] = [];
  for (const g of manifest.groups) {
    const m = await o.kafka.groupMembership(g.groupId);
    if (m.members > 0 || !['Empty', 'Dead'].includes(m.state)) running.push(`${g.groupId} (${m.state}, ${m.members} members)`);
  }
  if (running.length) throw new MeterflowError('BACKUP_REFUSED', `consumer groups still running: ${running.join(', ')}. Stop the sink and the processors (every instance) and run the restore again`);

  o.progress('2/4 checking that Kafka still holds every record after the backup');
  const topics = new Set<string>();
  const current = new Map<string, TopicOffsets[]>();
  for (const g of manifest.groups) {
    const now = await o.kafka.committedOffsets(g.groupId);
    current.set(g.groupId, now);
    for (const t of [...g.topics, ...now]) topics.add(t.topic);
  }
  const existing = new Set(await o.kafka.listTopics());
  const watermarks = new Map<string, Watermark[] | null>();
  for (const topic of topics) watermarks.set(topic, existing.has(topic) ? await o.kafka.topicWatermarks(topic) : null);
  const plan = planOffsetReset(manifest.groups, current, watermarks);
  for (const p of plan.problems) o.progress(`  ${p.groupId} ${p.topic}${p.partition === null ? '' : `[${p.partition}]`}: ${p.text}`);
  if (plan.problems.length && !o.force) {
    throw new MeterflowError('BACKUP_REFUSED', `${plan.problems.length} partitions cannot be replayed from the backup's offsets (listed above): restoring would lose those records. Take a newer backup, or run again with --force to accept the loss`);
  }

  if (o.questdbRoot) {
    o.progress(`3/4 restoring QuestDB's files into ${o.questdbRoot}`);
    if (await o.questdbRunning()) throw new MeterflowError('BACKUP_REFUSED', 'QuestDB answers queries: stop it before its files are replaced (local stack: npm run stack -- down; compose: docker compose stop questdb; Kubernetes: scale the questdb StatefulSet to 0)');
    const present = existsSync(o.questdbRoot) ? readdirSync(o.questdbRoot).filter(isQuestdbDataEntry) : [];
    if (present.length && !o.replace) throw new MeterflowError('BACKUP_REFUSED', `${o.questdbRoot} already holds data (${present.join(', ')}): run again with --replace to delete it, or restore into an empty folder`);
    for (const name of present) rmSync(path.join(o.questdbRoot, name), { recursive: true, force: true });
    copyTree(path.join(o.from, questdbDataFolder), o.questdbRoot, { progress: o.progress });
    // QuestDB's trigger: on its next start it rolls every table back to the checkpoint, then deletes this file.
    writeFileSync(path.join(o.questdbRoot, '_restore'), '');
  } else {
    o.progress('3/4 QuestDB files: left to the operator (--offsets-only); restore them with a _restore file before QuestDB starts');
  }

  o.progress('4/4 moving the consumer groups back to the backup\'s offsets');
  for (const r of plan.resets) {
    await o.kafka.setGroupOffsets(r.groupId, r.topic, r.partitions);
    o.progress(`  ${r.groupId} ${r.topic} [${r.partitions.map((p) => p.offset).join(',')}]`);
  }
  return { manifest, plan };
}
