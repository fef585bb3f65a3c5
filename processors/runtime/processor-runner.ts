import { decodeReadingsRecord, readingPosition, recordOffsetOf } from '../../core/streams/readings';
import { questdbTables, type KafkaTopicSpec, type KafkaTopics, type Reading } from '../../core/contracts';
import { MeterflowError } from '../../core/errors';
import { createBatchingProducer, createKafkaClient, type FlushControl, type FlushOutcome, type IncomingBatch, type RawConsumer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import { createIlpWriter, type IlpWriter } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, type QuestdbPgOptions } from '../../core/questdb/questdb-sql';
import type { KeyedProcessor, OutputRow } from './keyed-processor';
import { createPartitionTask, type LateReading, type PartitionTask } from './partition-task';
import { createStateStore } from './state-store';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { runnerMetrics } from './runner-metrics';

export interface ProcessorRunnerOptions<S> {
  processor: KeyedProcessor<S>;
  /** Consumer group; instances with the same group share the partitions. */
  groupId: string;
  kafka: { brokers: string[]; topics: KafkaTopics };
  /** Where result rows also go as JSON records (key: meter or scope id); null for none. */
  outputTopic: KafkaTopicSpec | null;
  /** Only rows of these tables go to the output topic. @default every table */
  outputTables?: readonly string[];
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  allowedLatenessMs: number;
  /** See PartitionTaskOptions: how far ahead of its receive time a reading may move time. @default 30000 */
  maxClockSkewMs?: number;
  /** See PartitionTaskOptions: after this long without a reading a key closes on the partition's watermark. @default 60000 */
  keyIdleMs?: number;
  flushRecords: number;
  flushIntervalMs: number;
  /**
   * How often state is checkpointed (and offsets committed). Outputs are written every flush;
   * a checkpoint writes every changed key's state, so it is kept less frequent. A crash replays
   * at most this much, which rewrites the same outputs.
   */
  checkpointIntervalMs: number;
  metrics: Metrics;
  logger: Logger;
  /** Called with the rows of each flush once they are durable (e.g. to notify a webhook). */
  onFlushed?(rows: OutputRow[]): void;
}

export interface ProcessorRunner {
  /** Partitions whose state is loaded. */
  partitions(): number[];
  /** How long its outputs have failed to reach QuestDB (or Kafka) without a success in between; 0 when fine. */
  failingForMs(): number;
  stop(): Promise<void>;
}

/**
 * Runs one keyed processor on the readings topic. Per flush, in this order:
 * 1. result rows and late readings → QuestDB (ILP/HTTP, DEDUP keys), result records → Kafka;
 * 2. the state of every key changed → processor_state, with the offset it has applied;
 * 3. the consumed offsets are committed.
 * A crash between 1 and 2 replays records whose results are already written: the processor is
 * deterministic for a given record order, so it writes the same rows again (DEDUP). A crash
 * between 2 and 3 replays records the saved state has applied: they are skipped per key. A
 * failed flush or a rebalance drops the in-memory state; partitions are restored from
 * processor_state when next seen.
 */
export async function startProcessorRunner<S>(options: ProcessorRunnerOptions<S>): Promise<ProcessorRunner> {
  const { processor, metrics, logger: log } = options;
  // Shared by every runner of this process, each sample labelled with its processor (runner-metrics.ts).
  const m = runnerMetrics(metrics);
  const own = { processor: processor.name };
  const { processed, skipped, emitted, late: lateCount, unreadable, refused: refusedRows, restores, checkpoints } = m;
  const tasks = new Map<number, PartitionTask<S>>();
  const refreshGauges = () => {
    m.stateKeys.set([...tasks.values()].reduce((n, t) => n + t.size(), 0), own);
    const lowest = Math.min(...[...tasks.values()].map((t) => t.watermark));
    m.watermarkLag.set(Number.isFinite(lowest) ? (Date.now() - lowest) / 1000 : 0, own);
  };
  refreshGauges();
  // Gauges are set, not collected (a collector has no labels): refreshed every second and per batch.
  const gaugeTimer = setInterval(refreshGauges, 1000);
  gaugeTimer.unref();

  const pool = createQuestdbPool({ ...options.questdb.pg, max: 2 });
  // State belongs to the consumer group: deployments (or test runs) sharing a QuestDB keep theirs apart.
  const store = createStateStore<S>(options.groupId, pool);
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: `meterflow-${processor.name}`, logger: log.child('kafka') });
  await kafka.ensureTopics([options.kafka.topics.readings, ...(options.outputTopic ? [options.outputTopic] : [])]);
  const writer: IlpWriter = await createIlpWriter(options.questdb.httpUrl, {
    service: processor.name,
    logger: log.child('ilp'),
    onRefused: (row) => refusedRows.inc({ processor: processor.name, table: row.table, code: row.code }),
  });
  const producer = createBatchingProducer(await kafka.createProducer(), { maxBatch: 2000, lingerMs: 5, logger: log.child('producer') });

  let generation = 0;
  let pending: { generation: number; rows: OutputRow[]; late: { partition: number; late: LateReading }[]; partitions: Set<number> } | null = null;

  const reset = () => {
    tasks.clear();
    pending = null;
  };

  const taskFor = async (partition: number): Promise<PartitionTask<S>> => {
    let task = tasks.get(partition);
    if (!task) {
      const entries = await store.restore(partition);
      task = createPartitionTask(processor, {
        partition,
        allowedLatenessMs: options.allowedLatenessMs,
        ...(options.maxClockSkewMs !== undefined ? { maxClockSkewMs: options.maxClockSkewMs } : {}),
        ...(options.keyIdleMs !== undefined ? { keyIdleMs: options.keyIdleMs } : {}),
        restored: { entries },
      });
      tasks.set(partition, task);
      restores.inc({ processor: processor.name });
      log.info('partition restored', { partition, keys: entries.length, streamTime: Number.isFinite(task.streamTime) ? new Date(task.streamTime).toISOString() : null });
    }
    return task;
  };

  const handle = async (batch: IncomingBatch) => {
    pending ??= { generation, rows: [], late: [], partitions: new Set() };
    const task = await taskFor(batch.partition);
    const records: { offset: number; reading: Reading }[] = [];
    for (const record of batch.records) {
      // The bridge validated it; a record (or a reading in it) written by anything else must not stop the partition.
      const decoded = decodeReadingsRecord(record.value);
      if (!decoded.ok) {
        unreadable.inc({ processor: processor.name });
        log.warn('unreadable reading skipped', { partition: batch.partition, offset: record.offset, error: decoded.detail });
        continue;
      }
      for (const bad of decoded.unreadable) {
        unreadable.inc({ processor: processor.name });
        log.warn('unreadable reading skipped', { partition: batch.partition, offset: record.offset, index: bad.index, error: bad.detail });
      }
      // A record holds several readings: each is addressed by (offset, index), a position that
      // grows along the partition as offsets did when a record held one reading.
      const offset = Number(record.offset);
      for (const { index, reading } of decoded.readings) records.push({ offset: readingPosition(offset, index), reading });
    }
    const out = task.process(records);
    if (out.applied > 0) processed.inc({ processor: processor.name }, out.applied);
    if (out.skipped > 0) skipped.inc({ processor: processor.name }, out.skipped);
    if (out.duplicates > 0) m.duplicates.inc({ processor: processor.name }, out.duplicates);
    for (const { row, problem } of out.refused) {
      // Dropped, not written: QuestDB would refuse the whole flush for it (output-row-check.ts).
      refusedRows.inc({ processor: processor.name, table: row.table, code: 'QUESTDB_ROW_INVALID' });
      log.warn('result row refused: QuestDB cannot store it', { partition: batch.partition, table: row.table, symbols: row.symbols, problem });
    }
    pending.rows.push(...out.rows);
    for (const late of out.late) pending.late.push({ partition: batch.partition, late });
    pending.partitions.add(batch.partition);
    // MF_PROCESSORS_FLUSH_RECORDS counts readings, however many share a record.
    return records.length;
  };

  let lastCheckpoint = Date.now();
  let stopping = false;
  /** Partitions with state changed since the last checkpoint. */
  const unsaved = new Set<number>();

  /**
   * Writes the changed keys' state. `since`: the generation the state was computed in; state
   * from an older one must not be written (another member may own those partitions now), and
   * neither by a member the group may have evicted meanwhile: the checkpoint upserts every key
   * (last write wins), so a stale one would be what the next owner restores, and the readings
   * between it and the committed offsets would be lost from that key's state.
   */
  const checkpoint = async (since: number, control: FlushControl) => {
    for (const partition of unsaved) {
      const task = tasks.get(partition);
      if (task) await store.write(writer, partition, task.takeDirty());
    }
    if (since !== generation) throw rebalanced();
    await control.confirmMembership();
    await writer.flush();
    unsaved.clear();
    unsavedSince = null;
    lastCheckpoint = Date.now();
    checkpoints.inc({ processor: processor.name });
  };

  /** Generation in which state was first changed after the last checkpoint; null when all is saved. */
  let unsavedSince: number | null = null;

  /** Since when flushes fail without a success in between (a rebalance is not a failure); null when fine. */
  let failingSince: number | null = null;
  const flush = async (control: FlushControl): Promise<FlushOutcome> => {
    try {
      const outcome = await flushOnce(control);
      failingSince = null;
      return outcome;
    } catch (error) {
      if ((error as MeterflowError).code !== 'PROCESSOR_REBALANCED') failingSince ??= Date.now();
      throw error;
    }
  };

  const flushOnce = async (control: FlushControl): Promise<FlushOutcome> => {
    const since = generation;
    const work = pending;
    pending = null;
    if (work) unsavedSince ??= work.generation;
    if (unsavedSince !== null && unsavedSince !== generation) {
      // A rebalance dropped state changed since the checkpoint: rewind to the last commit and redo it.
      unsavedSince = null;
      reset();
      unsaved.clear();
      throw rebalanced();
    }
    const due = stopping || Date.now() - lastCheckpoint >= options.checkpointIntervalMs;
    if (!work) {
      if (!due) return { commit: false };
      try {
        await checkpoint(since, control);
      } catch (error) {
        writer.discard();
        reset();
        throw error;
      }
      return { commit: true };
    }
    const started = process.hrtime.bigint();
    try {
      for (const row of work.rows) await writeTableRow(writer, row);
      for (const { partition, late } of work.late) {
        await writer.row(questdbTables.lateReadings.name, late.reading.ts, (w) =>
          w
            .symbol('meter_id', late.reading.meterId)
            .symbol('processor', processor.name)
            .stringColumn('detail', late.detail)
            .timestampColumn('watermark', Math.max(0, late.watermark), 'ms')
            .intColumn('kafka_partition', partition)
            .intColumn('kafka_offset', late.offset < 0 ? late.offset : recordOffsetOf(late.offset)),
        );
      }
      await writer.flush();
      if (options.outputTopic) {
        const topic = options.outputTopic.name;
        const published = options.outputTables ? work.rows.filter((row) => options.outputTables!.includes(row.table)) : work.rows;
        await Promise.all(published.map((row) => producer.send({ topic, key: row.symbols.meter_id ?? row.symbols.scope_id ?? 'all', value: JSON.stringify(rowRecord(row)) })));
      }
      for (const partition of work.partitions) unsaved.add(partition);
      if (due) await checkpoint(since, control);
      for (const row of work.rows) emitted.inc({ processor: processor.name, table: row.table });
      if (work.rows.length > 0) options.onFlushed?.(work.rows);
      if (work.late.length > 0) lateCount.inc({ processor: processor.name }, work.late.length);
      m.observeFlush(processor.name, Number(process.hrtime.bigint() - started) / 1e9);
      refreshGauges();
      return { commit: due };
    } catch (error) {
      writer.discard();
      reset(); // the consumer rewinds to its last commit; state is reloaded from the last checkpoint
      unsaved.clear();
      unsavedSince = null;
      throw error;
    }
  };

  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: options.groupId,
    topics: [options.kafka.topics.readings.name],
    fromBeginning: true,
    handle,
    flush,
    flushRecords: options.flushRecords,
    flushIntervalMs: options.flushIntervalMs,
    onRebalance: () => {
      generation += 1;
      tasks.clear();
    },
  });
  log.info(`${processor.name} started`, { groupId: options.groupId, latenessMs: options.allowedLatenessMs });

  return {
    partitions: () => [...tasks.keys()].sort((a, b) => a - b),
    failingForMs: () => (failingSince === null ? 0 : Date.now() - failingSince),
    async stop() {
      stopping = true; // the last flush checkpoints and commits
      clearInterval(gaugeTimer);
      await consumer.disconnect();
      await producer.close(10_000);
      await writer.close();
      await pool.end();
      log.info(`${processor.name} stopped`);
    },
  };
}

const rebalanced = () => new MeterflowError('PROCESSOR_REBALANCED', 'the group rebalanced since the last checkpoint; re-reading from the last commit', { retriable: true });

/** A result row as the JSON record on the output topic: its table, time, symbols and values. */
export function rowRecord(row: OutputRow): Record<string, unknown> {
  return { table: row.table, ts: row.ts, ...row.symbols, ...row.values };
}
