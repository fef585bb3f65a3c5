import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../core/config';
import { createKafkaTopics } from '../../core/contracts/kafka-topics';
import { questdbTables } from '../../core/contracts/questdb-tables';
import { createKafkaClient, type KafkaClient } from '../../core/kafka/kafka-client';
import { runLifecycle } from '../../core/lifecycle/lifecycle-command';
import type { LifecycleStatus } from '../../core/lifecycle/lifecycle-status';
import { createLogger } from '../../core/logger';
import { createQuestdbPool, ensureTables, type QuestdbPool } from '../../core/questdb/questdb-sql';
import { startPrivateQuestdb, type PrivateQuestdb } from './support/private-questdb';
import { waitFor } from './support/wait-for';

// A short TTL drops whole partitions of the fixed-name tables, whoever wrote them: this runs on a
// QuestDB of its own. Kafka is the shared one, under a topic prefix of this run.
const day = 86_400_000;
const midnight = Math.floor(Date.now() / day) * day;
// Readings at noon 20, 10, 5 and 1 days before today (UTC), and one a minute ago: the newest sets
// the TTL's reference time (QuestDB: min(wall clock, latest timestamp)).
const oldDays = [20, 10, 5, 1];
const newest = Math.floor((Date.now() - 60_000) / 1000) * 1000;
const readingTimes = [...oldDays.map((d) => midnight - d * day + day / 2), newest];
// readings=3d drops the partitions that end before newest − 3 days: the day partitions of −20, −10
// and −5 days end by midnight − 4 days < now − 3 days; yesterday's ends at midnight, after it.
const keptReadingTimes = [midnight - day + day / 2, newest];

describe('lifecycle: retention on a private QuestDB and the shared Kafka', () => {
  const prefix = `lifecycle-${randomUUID().slice(0, 8)}.`;
  let dir: string;
  let questdb: PrivateQuestdb;
  let pool: QuestdbPool;
  let kafka: KafkaClient;
  let env: Record<string, string | undefined>;

  const lifecycle = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runLifecycle(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
    if (code !== 0) throw new Error(`lifecycle ${argv.join(' ')} exited ${code}: ${stderr}`);
    return { stdout, stderr };
  };
  const status = async () => JSON.parse((await lifecycle('status', '--json')).stdout) as LifecycleStatus;
  const times = async (sql: string) => (await pool.query<{ ts: string }>(sql)).rows.map((r) => Date.parse(r.ts));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mf-retention-'));
    questdb = await startPrivateQuestdb(dir);
    pool = createQuestdbPool(questdb.pg);
    env = {
      ...process.env,
      MF_QUESTDB_PG_PORT: String(questdb.pg.port),
      MF_KAFKA_TOPIC_PREFIX: prefix,
      MF_RETENTION_TABLES: 'readings=3d',
      MF_RETENTION_TOPICS: 'readings=14d,alerts=forever,dead-letters=60d',
    };
    kafka = createKafkaClient({ brokers: loadConfig(env).list('MF_KAFKA_BROKERS'), clientId: 'lifecycle-test', logger: createLogger('lifecycle-test', { level: 'warn' }) });
    await ensureTables(pool, Object.values(questdbTables));
    await kafka.ensureTopics(Object.values(createKafkaTopics(prefix, 1)));

    const values = (rows: string[]) => rows.join(', ');
    const at = (ms: number) => `'${new Date(ms).toISOString()}'`;
    await pool.query(`INSERT INTO readings (ts, meter_id, value) VALUES ${values(readingTimes.map((t, i) => `(${at(t)}, 'm-1', ${i})`))}`);
    // The hourly and daily rollups and the 24 h rolling averages of the same days.
    await pool.query(
      `INSERT INTO rollups (ts, scope, scope_id, bucket, kafka_partition, bucket_end, count, sum, mean, min, max) VALUES ${values(
        oldDays.flatMap((d) => {
          const start = midnight - d * day;
          return [`(${at(start + 12 * 3_600_000)}, 'fleet', 'fleet', '1h', 0, ${at(start + 13 * 3_600_000)}, 1, 1, 1, 1, 1)`, `(${at(start)}, 'fleet', 'fleet', '1d', 0, ${at(start + day)}, 1, 1, 1, 1, 1)`];
        }),
      )}`,
    );
    await pool.query(
      `INSERT INTO rolling_averages (ts, meter_id, window_size, window_start, count, sum, mean, min, max) VALUES ${values(oldDays.map((d) => `(${at(midnight - (d - 1) * day)}, 'm-1', '24h', ${at(midnight - d * day)}, 1, 1, 1, 1, 1)`))}`,
    );
    await waitFor('the rows applied', () => times('SELECT ts FROM readings'), (ts) => ts.length === readingTimes.length);
    await waitFor('the rollups applied', () => times('SELECT ts FROM rollups'), (ts) => ts.length === 8);
    await waitFor('the averages applied', () => times('SELECT ts FROM rolling_averages'), (ts) => ts.length === 4);
  });

  afterAll(async () => {
    await kafka?.deleteTopics(Object.values(createKafkaTopics(prefix, 1)).map((t) => t.name)).catch(() => undefined);
    await pool?.end();
    await questdb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('status shows the rule, that it is not applied yet, and the oldest and newest reading', async () => {
    const readings = (await status()).tables.find((t) => t.table === 'readings')!;
    expect(readings).toMatchObject({ rule: '3d', source: 'configured', applied: 'forever', inSync: false, rows: readingTimes.length });
    expect(readings.oldest).toBe(new Date(readingTimes[0]!).toISOString());
    expect(readings.newest).toBe(new Date(newest).toISOString());
    const text = (await lifecycle('status')).stdout;
    expect(text).toMatch(/^readings\s+3d\*\s+forever \(differs\)\s+/m);
  });

  it('apply --dry-run changes nothing', async () => {
    const { stderr } = await lifecycle('apply', '--dry-run');
    expect(stderr).toContain('would apply table readings: forever -> 3d (ALTER TABLE readings SET TTL 3 DAYS)');
    expect(await times('SELECT ts FROM readings')).toHaveLength(readingTimes.length);
    expect((await status()).tables.find((t) => t.table === 'readings')!.applied).toBe('forever');
  });

  it("apply drops the raw readings' old partitions, keeps the rollups of those days, and sets the topics' retention.ms", async () => {
    // An override apply must keep: AlterConfigs replaces a topic's whole override set.
    const admin = new Kafka({ clientId: 'lifecycle-test-admin', brokers: loadConfig(env).list('MF_KAFKA_BROKERS'), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: `${prefix}dead-letters`, configEntries: [{ name: 'retention.ms', value: String(30 * day) }, { name: 'max.message.bytes', value: '2000000' }] }],
      });

      await lifecycle('apply');

      const kept = await waitFor('the old partitions dropped', () => times('SELECT ts FROM readings ORDER BY ts'), (ts) => ts.length === keptReadingTimes.length);
      expect(kept).toEqual(keptReadingTimes);
      // Downsampling before deletion: the same days' rollups and averages are all still there.
      expect(await times('SELECT ts FROM rollups')).toHaveLength(8);
      expect(await times('SELECT ts FROM rolling_averages')).toHaveLength(4);

      const after = await status();
      const readings = after.tables.find((t) => t.table === 'readings')!;
      expect(readings).toMatchObject({ applied: '3d', inSync: true });
      await waitFor('status to show the new oldest reading', async () => (await status()).tables.find((t) => t.table === 'readings')!.oldest, (oldest) => oldest === new Date(keptReadingTimes[0]!).toISOString());
      expect(after.tables.find((t) => t.table === 'rollups')).toMatchObject({ applied: 'forever', inSync: true });

      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: ['readings', 'alerts', 'dead-letters', 'rollups'].map((name) => ({ type: ConfigResourceTypes.TOPIC, name: `${prefix}${name}` })),
      });
      const config = (topic: string, key: string) => resources.find((r) => r.resourceName === `${prefix}${topic}`)!.configEntries.find((e) => e.configName === key)!.configValue;
      expect(config('readings', 'retention.ms')).toBe(String(14 * day));
      expect(config('alerts', 'retention.ms')).toBe('-1');
      expect(config('dead-letters', 'retention.ms')).toBe(String(60 * day));
      expect(config('dead-letters', 'max.message.bytes')).toBe('2000000');
      // Untouched: its default rule was already its retention.
      expect(config('rollups', 'retention.ms')).toBe(String(7 * day));

      // A second apply has nothing left to do.
      expect((await lifecycle('apply')).stderr).toContain('every existing table and topic already has its rule');
    } finally {
      await admin.disconnect();
    }
  });
});
