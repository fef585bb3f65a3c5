import { decodeReadingsRecord, readingPosition } from '../../core/streams/readings';
import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import type { WindowResult } from '../../core/streams/window-results';
import { MeterflowError } from '../../core/errors';
import { createBatchingProducer, createKafkaClient, type FlushControl, type FlushOutcome, type IncomingBatch, type RawConsumer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import { createIlpWriter, type IlpWriter } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, type QuestdbPgOptions } from '../../core/questdb/questdb-sql';
import type { ReadingsTopology } from '../topology';
import { processorStateOwner } from '../topology';
import type { KeyedProcessor } from './keyed-processor';
import { createDuplicateFilter, type DuplicateFilter } from './duplicate-filter';
import { countOutputs, outputRecords, writeOutputRows, type FlushOutputs } from './flush-outputs';
import { createPartitionTask, defaultDuplicateWindow, type PartitionTask } from './partition-task';
import { runnerMetrics } from './runner-metrics';
import { createStateStore, type StateStore } from './state-store';

export interface TopologyRunnerOptions {
  topology: ReadingsTopology;
  kafka: { brokers: string[] };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  allowedLatenessMs: number;
  /** See PartitionTaskOptions: how far ahead of its receive time a reading may move time. @default 30000 */
  maxClockSkewMs?: number;
  /** See PartitionTaskOptions: after this long without a reading a key closes on the partition's watermark. @default 60000 */
  keyIdleMs?: number;
  /** See PartitionTaskOptions: the same for history keys. @default 60000 */
  historyIdleMs?: number;
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
}

export interface TopologyRunner {
  /** Partitions whose state is loaded. */
  partitions(): number[];
  /** How long its outputs have failed to reach QuestDB (or Kafka) without a success in between; 0 when fine. */
  failingForMs(): number;
  stop(): Promise<void>;
}

/** One processor of the topology: its state store and its share of each partition. */
interface Member {
  processor: KeyedProcessor<unknown>;
  store: StateStore<unknown>;
  tasks: Map<number, PartitionTask<unknown>>;
}

/** Keys whose state is serialised at a time, and the state text after which a checkpoint request is sent. */
const checkpointSliceKeys = 500;
const checkpointRequestChars = 16 * 1024 * 1024;

/** Metrics and flush timings of the topology as a whole carry this processor label. */
const topologyLabel = 'readings-topology';

/**
 * Runs the readings topology: one consumer group on the readings topic; each record is decoded
 * once and its readings go, in offset order, to every processor's task for the partition. Per
 * flush, in this order:
 * 1. every processor's results → QuestDB (ILP/HTTP, DEDUP keys) with the late readings, then
 *    the results whose stream has a topic → Kafka (key: meter or scope id);
 * 2. when a checkpoint is due, the state of every key changed, per processor → processor_state,
 *    each with the position of the last reading it applied;
 * 3. the consumed offsets are committed (only after a checkpoint).
 * A crash between 1 and 2 replays records whose results are already written: each processor is
 * deterministic for a given record order, so it writes the same rows again (DEDUP) and the same
 * records (consumers deduplicate by the result's identity). A crash between 2 and 3 replays
 * records the saved state has applied: they are skipped per processor and key. A failed flush
 * or a rebalance drops all in-memory state; partitions are restored from processor_state when
 * next seen. One group means one commit covers every processor: none can run ahead of another.
 */
export async function startTopologyRunner(options: TopologyRunnerOptions): Promise<TopologyRunner> {
  const { topology, metrics, logger: log } = options;
  const m = runnerMetrics(metrics);
  const pool = createQuestdbPool({ ...options.questdb.pg, max: 2 });
  const members: Member[] = topology.processors.map((processor) => ({
    processor,
    // State belongs to the deployment: deployments (or test runs) sharing a QuestDB keep theirs apart.
    store: createStateStore<unknown>(processorStateOwner(topology.stateOwnerPrefix, processor.name), pool),
    tasks: new Map(),
  }));
  const refreshGauges = () => {
    for (const { processor, tasks } of members) {
      const own = { processor: processor.name };
      m.stateKeys.set([...tasks.values()].reduce((n, t) => n + t.size(), 0), own);
      const lowest = Math.min(...[...tasks.values()].map((t) => t.watermark));
      m.watermarkLag.set(Number.isFinite(lowest) ? (Date.now() - lowest) / 1000 : 0, own);
    }
  };
  refreshGauges();
  // Gauges are set, not collected (a collector has no labels): refreshed every second and per flush.
  const gaugeTimer = setInterval(refreshGauges, 1000);
  gaugeTimer.unref();

  const topics = Object.values(topology.routes).flatMap((r) => (r.topic ? [r.topic] : []));
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-processors', logger: log.child('kafka') });
  await kafka.ensureTopics([topology.input, ...new Map(topics.map((t) => [t.name, t])).values()]);
  const writer: IlpWriter = await createIlpWriter(options.questdb.httpUrl, {
    service: topologyLabel,
    logger: log.child('ilp'),
    onRefused: (row) => m.refused.inc({ processor: topologyLabel, table: row.table, code: row.code }),
  });
  const producer = createBatchingProducer(await kafka.createProducer(), { maxBatch: 2000, lingerMs: 5, logger: log.child('producer') });

  interface Pending extends FlushOutputs {
    generation: number;
    partitions: Set<number>;
  }
  let generation = 0;
  let pending: Pending | null = null;
  /** Per partition, shared by its processors: exact copies of recent readings are dropped once, before the fan-out. */
  const duplicateFilters = new Map<number, DuplicateFilter>();
  const dropPartitions = () => {
    for (const member of members) member.tasks.clear();
    duplicateFilters.clear();
  };
  const reset = () => {
    dropPartitions();
    pending = null;
  };

  const taskFor = async (member: Member, partition: number): Promise<PartitionTask<unknown>> => {
    let task = member.tasks.get(partition);
    if (!task) {
      const entries = await member.store.restore(partition);
      task = createPartitionTask(member.processor, {
        partition,
        allowedLatenessMs: options.allowedLatenessMs,
        ...(options.maxClockSkewMs !== undefined ? { maxClockSkewMs: options.maxClockSkewMs } : {}),
        ...(options.keyIdleMs !== undefined ? { keyIdleMs: options.keyIdleMs } : {}),
        ...(options.historyIdleMs !== undefined ? { historyIdleMs: options.historyIdleMs } : {}),
        restored: { entries },
        duplicateWindow: 0, // filtered once for all processors (handle)
      });
      member.tasks.set(partition, task);
      m.restores.inc({ processor: member.processor.name });
      log.info('partition restored', { processor: member.processor.name, partition, keys: entries.length, streamTime: Number.isFinite(task.streamTime) ? new Date(task.streamTime).toISOString() : null });
    }
    return task;
  };

  /** When the last batch was handled: a consumer that has had nothing to read for a flush interval is caught up. */
  let lastHandledAt = 0;
  const handle = async (batch: IncomingBatch) => {
    lastHandledAt = Date.now();
    pending ??= { generation, events: [], late: [], partitions: new Set() };
    const work = pending;
    const records: { offset: number; reading: Reading }[] = [];
    let duplicates = duplicateFilters.get(batch.partition);
    if (!duplicates) duplicateFilters.set(batch.partition, (duplicates = createDuplicateFilter(defaultDuplicateWindow)));
    let duplicateCount = 0;
    for (const record of batch.records) {
      // The bridge validated it; a record (or a reading in it) written by anything else must not stop the partition.
      const decoded = decodeReadingsRecord(record.value);
      if (!decoded.ok) {
        m.unreadable.inc({ processor: topologyLabel });
        log.warn('unreadable reading skipped', { topic: batch.topic, partition: batch.partition, offset: record.offset, error: decoded.detail });
        continue;
      }
      for (const bad of decoded.unreadable) {
        m.unreadable.inc({ processor: topologyLabel });
        log.warn('unreadable reading skipped', { topic: batch.topic, partition: batch.partition, offset: record.offset, index: bad.index, error: bad.detail });
      }
      // A record holds several readings: each is addressed by (offset, index), a position that
      // grows along the partition as offsets did when a record held one reading.
      const offset = Number(record.offset);
      for (const { index, reading } of decoded.readings) {
        if (duplicates.seen(reading)) duplicateCount += 1;
        else records.push({ offset: readingPosition(offset, index), reading });
      }
    }
    if (duplicateCount > 0) m.duplicates.inc({ processor: topologyLabel }, duplicateCount);
    for (const member of members) {
      const name = member.processor.name;
      const out = (await taskFor(member, batch.partition)).process(records);
      if (out.applied > 0) m.processed.inc({ processor: name }, out.applied);
      if (out.skipped > 0) m.skipped.inc({ processor: name }, out.skipped);
      for (const { row, problem } of out.refused) {
        // Dropped, not written: QuestDB would refuse the whole flush for it (output-row-check.ts).
        m.refused.inc({ processor: name, table: row.table, code: 'QUESTDB_ROW_INVALID' });
        log.warn('result refused: QuestDB cannot store it', { processor: name, partition: batch.partition, table: row.table, symbols: row.symbols, problem });
      }
      for (const emitted of out.events) work.events.push({ processor: name, partition: batch.partition, emitted });
      for (const late of out.late) work.late.push({ processor: name, partition: batch.partition, late });
    }
    work.partitions.add(batch.partition);
    // MF_PROCESSORS_FLUSH_RECORDS counts readings, however many share a record.
    return records.length;
  };

  let lastCheckpoint = Date.now();
  let stopping = false;
  /** Partitions with state changed since the last checkpoint. */
  const unsaved = new Set<number>();
  /** Generation in which state was first changed after the last checkpoint; null when all is saved. */
  let unsavedSince: number | null = null;

  /**
   * Writes the changed keys' state of every processor. `since`: the generation the state was
   * computed in; state from an older one must not be written (another member may own those
   * partitions now), and neither by a member the group may have evicted meanwhile: the
   * checkpoint upserts every key (last write wins), so a stale one would be what the next
   * owner restores, and the readings between it and the committed offsets would be lost from
   * that key's state.
   */
  const checkpoint = async (since: number, control: FlushControl) => {
    // Fenced before every request that reaches QuestDB, not only the last one.
    const flushFenced = async () => {
      if (since !== generation) throw rebalanced();
      await control.confirmMembership();
      await writer.flush();
    };
    let buffered = 0;
    for (const partition of unsaved) {
      for (const member of members) {
        const entries = member.tasks.get(partition)?.takeDirty() ?? [];
        for (let i = 0; i < entries.length; i += checkpointSliceKeys) {
          buffered += await member.store.write(writer, partition, entries.slice(i, i + checkpointSliceKeys));
          // A checkpoint of every changed key can be hundreds of MB (100,000 meters' state), more
          // than one ILP request may hold (the client refuses beyond 100 MB, and a checkpoint that
          // can never be written stops the partition for good): sent in slices. Each key's row
          // carries the position it has applied, so a crash between slices is a partial
          // checkpoint that a restore handles like any other (the offsets are not committed yet).
          if (buffered >= checkpointRequestChars) {
            await flushFenced();
            buffered = 0;
          }
        }
      }
    }
    await flushFenced();
    unsaved.clear();
    unsavedSince = null;
    lastCheckpoint = Date.now();
    for (const member of members) m.checkpoints.inc({ processor: member.processor.name });
  };


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
    // Under load every checkpointIntervalMs (a checkpoint rewrites every changed key's state, the
    // largest cost per reading when frequent); once caught up, at once, so the committed offsets
    // reach the end of the topic and a restart replays nothing.
    const caughtUp = work === null && unsaved.size > 0 && Date.now() - lastHandledAt >= options.flushIntervalMs;
    const due = stopping || caughtUp || Date.now() - lastCheckpoint >= options.checkpointIntervalMs;
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
      await writeOutputRows(writer, work);
      await writer.flush();
      // Each result whose stream has a topic, with that stream's codec.
      await Promise.all(outputRecords(topology.routes, work.events).map((record) => producer.send(record)));
      for (const partition of work.partitions) unsaved.add(partition);
      if (due) await checkpoint(since, control);
      const counted = countOutputs(work);
      for (const { processor, table, n } of counted.rows) m.emitted.inc({ processor, table }, n);
      for (const { processor, n } of counted.late) m.late.inc({ processor }, n);
      notify(work.events);
      m.observeFlush(topologyLabel, Number(process.hrtime.bigint() - started) / 1e9);
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

  /** After the results are durable: each route's listener gets its stream's results of the flush. */
  const notify = (events: FlushOutputs['events']) => {
    const { alerts: onAlerts, 'window-results': onWindows } = topology.routes;
    // Only for a route with a listener: a catch-up flush holds tens of thousands of window results.
    if (!onAlerts.notify && !onWindows.notify) return;
    const alerts: AlertEvent[] = [];
    const windows: WindowResult[] = [];
    for (const { emitted } of events) {
      const event = emitted.event;
      if (event.stream === 'alerts') alerts.push(event.alert);
      else if (event.stream === 'window-results') windows.push(event.result);
    }
    if (alerts.length > 0) onAlerts.notify?.(alerts);
    if (windows.length > 0) onWindows.notify?.(windows);
  };

  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: topology.groupId,
    topics: [topology.input.name],
    fromBeginning: true,
    handle,
    flush,
    flushRecords: options.flushRecords,
    flushIntervalMs: options.flushIntervalMs,
    onRebalance: () => {
      generation += 1;
      dropPartitions();
    },
  });
  log.info('readings topology started', { groupId: topology.groupId, processors: members.map((x) => x.processor.name), latenessMs: options.allowedLatenessMs });

  return {
    partitions: () => [...(members[0]?.tasks.keys() ?? [])].sort((a, b) => a - b),
    failingForMs: () => (failingSince === null ? 0 : Date.now() - failingSince),
    async stop() {
      stopping = true; // the last flush checkpoints and commits
      clearInterval(gaugeTimer);
      await consumer.disconnect();
      await producer.close(10_000);
      await writer.close();
      await pool.end();
      log.info('readings topology stopped');
    },
  };
}

const rebalanced = () => new MeterflowError('PROCESSOR_REBALANCED', 'the group rebalanced since the last checkpoint; re-reading from the last commit', { retriable: true });
