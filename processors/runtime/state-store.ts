import { questdbTables } from '../../core/contracts';
import { MeterflowError } from '../../core/errors';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { KeyProgress, KeyState } from './partition-task';

/**
 * Processor state checkpoints in QuestDB's processor_state table: one row per (processor,
 * partition, key), upserted by DEDUP at a fixed timestamp, so the table holds the latest
 * state of every key with the offset of the last reading it applied. Restoring a partition is
 * one query, which kafkajs (no manual partition assignment) would make slow with a changelog
 * topic. Checkpoints are written after a flush's outputs and before its offsets are committed.
 */
export interface StateStore<S> {
  /** Buffers the entries' rows in the writer (the caller flushes); resolves with the characters of state written. */
  write(writer: IlpWriter, partition: number, entries: { key: string; entry: KeyState<S> }[]): Promise<number>;
  restore(partition: number): Promise<{ key: string; entry: KeyState<S> }[]>;
}

const table = questdbTables.processorState.name;
/** The state column holds { "@progress": KeyProgress, state } (no processor state has this key). */
const progressMark = '@progress';
/** How long a restore waits for QuestDB to apply the checkpoints before it fails (and is retried). */
const settleTimeoutMs = 60_000;

/** `owner`: the consumer group whose state this is (the `processor` column). */
export function createStateStore<S>(owner: string, pool: QuestdbPool): StateStore<S> {
  const processor = owner;
  /**
   * WAL rows become visible asynchronously: wait until the table has applied every committed
   * transaction. Never read before that: a checkpoint older than the committed offsets would
   * lose, from its keys' state, the readings in between (they are not replayed).
   */
  const settle = async () => {
    const deadline = Date.now() + settleTimeoutMs;
    for (;;) {
      const { rows } = await pool.query<{ writerTxn: string; sequencerTxn: string; suspended: boolean }>('SELECT writerTxn, sequencerTxn, suspended FROM wal_tables() WHERE name = $1', [table]);
      const wal = rows[0];
      if (!wal || String(wal.writerTxn) === String(wal.sequencerTxn)) return;
      if (wal.suspended || Date.now() > deadline) {
        // Retried by the caller (the consumer rewinds and restores again), never read stale.
        throw new MeterflowError('PROCESSOR_STATE_NOT_SETTLED', `${table}: QuestDB has not applied its committed checkpoints (${wal.writerTxn} of ${wal.sequencerTxn} transactions${wal.suspended ? ', WAL suspended' : ''}); not restoring from an older state`, { retriable: true });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    async write(writer, partition, entries) {
      let chars = 0;
      for (const { key, entry } of entries) {
        // Once, not in the row function: the writer runs that twice (validation, then the buffer).
        const state = JSON.stringify(entry.progress ? { [progressMark]: entry.progress, state: entry.state } : entry.state);
        chars += state.length;
        await writer.row(table, 0, (row) =>
          row
            .symbol('processor', processor)
            .symbol('state_key', key)
            .intColumn('kafka_partition', partition)
            .intColumn('last_offset', entry.lastOffset)
            .intColumn('stream_time', Number.isFinite(entry.streamTime) ? entry.streamTime : -1)
            .stringColumn('state', state),
        );
      }
      return chars;
    },
    async restore(partition) {
      await settle();
      const { rows } = await pool.query<{ state_key: string; last_offset: string; stream_time: string; state: string }>(
        `SELECT state_key, last_offset, stream_time, state FROM ${table} WHERE processor = $1 AND kafka_partition = $2`,
        [processor, partition],
      );
      return rows.map((r) => {
        const parsed = JSON.parse(r.state) as Record<string, unknown> | null;
        // Checkpoints from before per-key progress hold the bare state.
        const enveloped = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && progressMark in parsed;
        const streamTime = Number(r.stream_time) < 0 ? -Infinity : Number(r.stream_time);
        const entry: KeyState<S> = enveloped
          ? { state: parsed.state as S, lastOffset: Number(r.last_offset), streamTime, progress: parsed[progressMark] as KeyProgress }
          : { state: parsed as S, lastOffset: Number(r.last_offset), streamTime };
        return { key: r.state_key, entry };
      });
    },
  };
}
