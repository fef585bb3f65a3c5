import type { KafkaClient } from '../kafka/kafka-client';
import type { QuestdbPool } from '../questdb/questdb-sql';
import type { LifecycleStatus } from './lifecycle-status';
import { kafkaRetentionMs, parseRetentionPeriod, periodFromQuestdb, questdbTtl, samePeriod, type RetentionPeriod } from './retention-period';

/** One change `lifecycle apply` makes. */
export type RetentionAction =
  | { kind: 'table'; table: string; rule: string; from: string; statement: string }
  | { kind: 'topic'; topic: string; rule: string; from: string; retentionMs: string };

const periodOf = (rule: string): RetentionPeriod => {
  const period = parseRetentionPeriod(rule);
  if (!period) throw new Error(`not a rule: ${rule}`);
  return period;
};

/**
 * What brings every existing table and topic to its rule; nothing for those already there. A
 * missing one is left to the service that creates it (with its default) and the next apply.
 */
export function planRetention(status: LifecycleStatus): RetentionAction[] {
  const actions: RetentionAction[] = [];
  for (const t of status.tables) {
    if (t.applied === null || t.inSync) continue;
    actions.push({ kind: 'table', table: t.table, rule: t.rule, from: t.applied, statement: `ALTER TABLE ${t.table} SET TTL ${questdbTtl(periodOf(t.rule))}` });
  }
  for (const t of status.topics) {
    if (t.applied === null || t.inSync) continue;
    actions.push({ kind: 'topic', topic: t.topic, rule: t.rule, from: t.applied, retentionMs: kafkaRetentionMs(periodOf(t.rule)) });
  }
  return actions;
}

export function describeAction(action: RetentionAction): string {
  return action.kind === 'table'
    ? `table ${action.table}: ${action.from} -> ${action.rule} (${action.statement})`
    : `topic ${action.topic}: ${action.from} -> ${action.rule} (retention.ms=${action.retentionMs})`;
}

/** How long an ALTER may take to show in tables() (a WAL table applies it asynchronously). */
const applyWaitMs = 60_000;

/**
 * Carries out the plan, one change at a time, reporting each through `progress`. QuestDB drops the
 * partitions a shorter TTL excludes at once: this is the step that deletes data.
 */
export async function applyRetention(actions: readonly RetentionAction[], questdb: QuestdbPool, kafka: Pick<KafkaClient, 'alterTopicConfigs'>, progress: (line: string) => void): Promise<void> {
  for (const action of actions) {
    progress(`applying ${describeAction(action)}`);
    if (action.kind === 'topic') {
      await kafka.alterTopicConfigs(action.topic, { 'retention.ms': action.retentionMs });
      continue;
    }
    await questdb.query(action.statement);
    const expected = periodOf(action.rule);
    const deadline = Date.now() + applyWaitMs;
    // Read back, so that a status printed next shows the new rule.
    for (;;) {
      const { rows } = await questdb.query<{ ttlValue: number; ttlUnit: string }>(`SELECT ttlValue, ttlUnit FROM tables() WHERE table_name = '${action.table}'`);
      const row = rows[0];
      const applied = row ? periodFromQuestdb(Number(row.ttlValue), row.ttlUnit) : undefined;
      if (applied && samePeriod(applied, expected)) break;
      if (Date.now() > deadline) throw new Error(`table ${action.table}: TTL not applied after ${applyWaitMs / 1000} s (is its WAL suspended? SELECT * FROM wal_tables())`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
