import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MeterflowError } from '../../core/errors';
import type { KafkaClient } from '../../core/kafka';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { backupFormat, manifestFile, questdbDataFolder, type BackupManifest } from './backup-manifest';
import { copyTree } from './copy-tree';

export interface CreateBackupOptions {
  /** A new (or empty) folder. */
  to: string;
  /** QuestDB's root folder, copied by this command; or null with `copyCommand`. */
  questdbRoot: string | null;
  /** A shell command that copies QuestDB's root into $MF_BACKUP_QUESTDB_DIR (a volume snapshot, kubectl exec … tar). */
  copyCommand: string | null;
  questdb: QuestdbPool;
  kafka: KafkaClient;
  /** The consumer groups whose output is in QuestDB. */
  groups: readonly string[];
  /** How long to wait for QuestDB to apply the transactions committed before the offsets were read. */
  settleTimeoutMs: number;
  progress(line: string): void;
}

/** Top-level entries of a QuestDB root that are not data: config (the target keeps its own), web console, logs. */
export function isQuestdbDataEntry(name: string): boolean {
  return !['conf', 'public', 'log', 'import', 'tmp', '_restore'].includes(name) && !/\.(log|pid)$/.test(name) && !name.startsWith('hs_err');
}

/**
 * A consistent backup while ingest runs: (1) read the groups' committed offsets; (2) wait until
 * QuestDB has applied every WAL transaction committed by then, which includes the output of every
 * record below those offsets (the services commit after their writes are acknowledged);
 * (3) CHECKPOINT CREATE; (4) copy QuestDB's root; (5) CHECKPOINT RELEASE; (6) write the manifest.
 * The backup then holds at least everything below the recorded offsets, maybe more, which a
 * restore's replay rewrites identically (every table is DEDUP UPSERT KEYS).
 */
export async function createBackup(o: CreateBackupOptions): Promise<BackupManifest> {
  if (existsSync(o.to) && readdirSync(o.to).length > 0) throw new MeterflowError('BACKUP_REFUSED', `--to ${o.to} is not empty: give each backup a new folder`);
  const dataDir = path.join(o.to, questdbDataFolder);
  mkdirSync(dataDir, { recursive: true });

  o.progress(`1/5 reading the committed offsets of ${o.groups.length} consumer groups`);
  const groups: BackupManifest['groups'] = [];
  for (const groupId of o.groups) {
    const topics = await o.kafka.committedOffsets(groupId);
    groups.push({ groupId, topics });
    o.progress(`  ${groupId}: ${topics.length ? topics.map((t) => `${t.topic} [${t.partitions.map((p) => p.offset).join(',')}]`).join('; ') : 'nothing committed'}`);
  }

  o.progress('2/5 waiting for QuestDB to apply what was committed before those offsets');
  const committed = await walTables(o.questdb);
  const deadline = Date.now() + o.settleTimeoutMs;
  for (;;) {
    const now = new Map((await walTables(o.questdb)).map((t) => [t.name, t]));
    const behind = committed.filter((t) => (now.get(t.name)?.writerTxn ?? Infinity) < t.sequencerTxn);
    const suspended = [...now.values()].filter((t) => t.suspended);
    if (suspended.length) throw new MeterflowError('BACKUP_REFUSED', `QuestDB suspended WAL apply of ${suspended.map((t) => t.name).join(', ')}: fix that first (docs/troubleshooting.md); no backup taken`);
    if (!behind.length) break;
    if (Date.now() > deadline) throw new MeterflowError('BACKUP_REFUSED', `QuestDB did not apply the committed transactions of ${behind.map((t) => t.name).join(', ')} within ${o.settleTimeoutMs / 1000} s; no backup taken`, { retriable: true });
    await new Promise((r) => setTimeout(r, 100));
  }
  const tables = (await walTables(o.questdb)).map((t) => ({ name: t.name, txn: t.writerTxn }));
  const build = await o.questdb.query<{ build: string }>('SELECT build() AS build').then((r) => r.rows[0]?.build ?? null, () => null);

  o.progress('3/5 CHECKPOINT CREATE (QuestDB keeps taking writes)');
  await o.questdb.query('CHECKPOINT CREATE');
  let copied: { files: number; bytes: number };
  try {
    if (o.questdbRoot) {
      o.progress(`4/5 copying ${o.questdbRoot} to ${dataDir}`);
      const summary = copyTree(o.questdbRoot, dataDir, { skip: (name) => !isQuestdbDataEntry(name), progress: o.progress });
      if (!existsSync(path.join(dataDir, 'db'))) throw new MeterflowError('BACKUP_INVALID', `${o.questdbRoot} has no db/ folder: is it QuestDB's root (the folder given to -d, /var/lib/questdb in its image)?`);
      copied = summary;
    } else {
      o.progress(`4/5 running the copy command (MF_BACKUP_QUESTDB_DIR=${dataDir})`);
      await runCopyCommand(o.copyCommand!, dataDir);
      copied = { files: 0, bytes: 0 };
    }
  } finally {
    o.progress('5/5 CHECKPOINT RELEASE');
    await o.questdb.query('CHECKPOINT RELEASE');
  }

  const manifest: BackupManifest = {
    format: backupFormat,
    createdAt: new Date().toISOString(),
    questdb: { build, copiedBy: o.questdbRoot ? 'files' : 'command', files: copied.files, bytes: copied.bytes, tables },
    groups,
  };
  // Last, and atomically: a folder with a manifest is a complete backup.
  const tmp = path.join(o.to, `${manifestFile}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path.join(o.to, manifestFile));
  return manifest;
}

interface WalTable {
  name: string;
  writerTxn: number;
  sequencerTxn: number;
  suspended: boolean;
}

async function walTables(pool: QuestdbPool): Promise<WalTable[]> {
  const { rows } = await pool.query<{ name: string; writerTxn: string; sequencerTxn: string; suspended: boolean }>('SELECT name, writerTxn, sequencerTxn, suspended FROM wal_tables()');
  return rows.map((r) => ({ name: r.name, writerTxn: Number(r.writerTxn), sequencerTxn: Number(r.sequencerTxn), suspended: r.suspended }));
}

function runCopyCommand(command: string, dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: 'inherit', env: { ...process.env, MF_BACKUP_QUESTDB_DIR: dataDir } });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new MeterflowError('BACKUP_REFUSED', `the copy command exited with ${signal ?? `status ${code}`}; no backup taken (the checkpoint is released)`)),
    );
  });
}
