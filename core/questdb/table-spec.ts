/**
 * A QuestDB table as the stack creates it. All are WAL tables partitioned by time with DEDUP
 * UPSERT KEYS that include the designated timestamp, so a replayed Kafka record rewrites its
 * row instead of adding one. DEDUP must be declared at CREATE time (it needs WAL), hence each
 * table's DDL lives once, in the module of the stream that fills it.
 */
export interface TableSpec {
  name: string;
  ddl: string;
  description: string;
}
