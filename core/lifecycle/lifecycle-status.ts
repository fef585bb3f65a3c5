import type { KafkaClient } from '../kafka/kafka-client';
import type { QuestdbPool } from '../questdb/questdb-sql';
import { formatRetentionPeriod, periodFromKafka, periodFromQuestdb, samePeriod, type RetentionPeriod } from './retention-period';
import type { RetentionRules } from './retention-policy';

/** One table as `lifecycle status` shows it: its rule, the TTL QuestDB holds, and what it stores. */
export interface TableStatus {
  table: string;
  /** The configured rule, e.g. `400d` or `forever`. */
  rule: string;
  source: 'default' | 'configured';
  /** The TTL the table has now, as a rule; null when the table does not exist (yet). */
  applied: string | null;
  /** The table's TTL is the rule (`lifecycle apply` has nothing to do). */
  inSync: boolean;
  /** First and last timestamps stored, ISO; null when empty or missing. */
  oldest: string | null;
  newest: string | null;
  rows: number | null;
  partitions: number | null;
  diskBytes: number | null;
  note: string;
}

export interface TopicStatus {
  /** The suffix, e.g. `readings`; `topic` is the full name. */
  name: string;
  topic: string;
  rule: string;
  source: 'default' | 'configured';
  /** The topic's retention.ms as a rule (`7d`, or `<n> ms`); null when the topic does not exist (yet). */
  applied: string | null;
  retentionMs: string | null;
  inSync: boolean;
  note: string;
}

export interface LifecycleStatus {
  /** The shortest rule the raw readings accept, e.g. `3d`. */
  readingsFloor: string;
  tables: TableStatus[];
  topics: TopicStatus[];
}

interface TtlRow {
  table_name: string;
  ttlValue: number;
  ttlUnit: string;
}
interface StorageRow {
  tableName: string;
  partitionCount: string;
  rowCount: string;
  diskSize: string;
}
interface RangeRow {
  oldest: string | Date | null;
  newest: string | Date | null;
}

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());
const describePeriod = (period: RetentionPeriod | undefined, raw: string): string => (period ? formatRetentionPeriod(period) : raw);

/** Reads each table's TTL, size and time range from QuestDB and each topic's retention.ms from Kafka. */
export async function readLifecycleStatus(rules: RetentionRules, questdb: QuestdbPool, kafka: Pick<KafkaClient, 'topicConfigs'>): Promise<LifecycleStatus> {
  const ttls = new Map((await questdb.query<TtlRow>('SELECT table_name, ttlValue, ttlUnit FROM tables()')).rows.map((r) => [r.table_name, r]));
  const storage = new Map((await questdb.query<StorageRow>('SELECT tableName, partitionCount, rowCount, diskSize FROM table_storage()')).rows.map((r) => [r.tableName, r]));

  const tables: TableStatus[] = [];
  for (const rule of rules.tables) {
    const ttl = ttls.get(rule.name);
    const stored = storage.get(rule.name);
    const base = { table: rule.name, rule: formatRetentionPeriod(rule.period), source: rule.source, note: rule.note };
    if (!ttl) {
      tables.push({ ...base, applied: null, inSync: false, oldest: null, newest: null, rows: null, partitions: null, diskBytes: null });
      continue;
    }
    // The partitions' own bounds: no scan of the table, however large.
    const range = (await questdb.query<RangeRow>(`SELECT min(minTimestamp) oldest, max(maxTimestamp) newest FROM table_partitions('${rule.name}')`)).rows[0];
    const applied = periodFromQuestdb(Number(ttl.ttlValue), ttl.ttlUnit);
    tables.push({
      ...base,
      applied: describePeriod(applied, `${ttl.ttlValue} ${ttl.ttlUnit}`),
      inSync: applied !== undefined && samePeriod(applied, rule.period),
      oldest: iso(range?.oldest ?? null),
      newest: iso(range?.newest ?? null),
      rows: stored ? Number(stored.rowCount) : null,
      partitions: stored ? Number(stored.partitionCount) : null,
      diskBytes: stored ? Number(stored.diskSize) : null,
    });
  }

  const configs = await kafka.topicConfigs(rules.topics.map((t) => t.topic), ['retention.ms']);
  const topics = rules.topics.map((rule): TopicStatus => {
    const retention = configs.get(rule.topic)?.['retention.ms'] ?? null;
    const applied = retention === null ? undefined : periodFromKafka(retention);
    return {
      name: rule.name,
      topic: rule.topic,
      rule: formatRetentionPeriod(rule.period),
      source: rule.source,
      applied: retention === null ? null : describePeriod(applied, `${retention} ms`),
      retentionMs: retention,
      inSync: applied !== undefined && samePeriod(applied, rule.period),
      note: rule.note,
    };
  });

  return { readingsFloor: formatRetentionPeriod(rules.readingsFloor), tables, topics };
}
