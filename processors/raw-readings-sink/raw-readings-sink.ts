import type { DeadLetter, EdgeStats } from '../../core/contracts';
import { questdbTables } from '../../core/contracts';
import { describeError } from '../../core/errors';
import { startHealthServer, type HealthServer } from '../../core/http/health-server';
import { createKafkaClient, type IncomingBatch, type RawConsumer } from '../../core/kafka';
import { createMetrics, type Metrics } from '../../core/metrics';
import { startMetricsSampler } from '../../core/metrics-sampler';
import { createIlpWriter, type RefusedRow, type RowOrigin } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, ensureTables } from '../../core/questdb/questdb-sql';
import type { SinkOptions } from './sink-options';
import { decodeReadingsRecord } from '../../core/streams/readings';
import { deadLetterProblem, edgeStatsProblem } from './record-shapes';
import { writeDeadLetterRow, writeEdgeStatsRow, writeReadingRow } from './table-rows';

export interface RawReadingsSink {
  metrics: Metrics;
  httpPort: number | null;
  stop(): Promise<void>;
}

/**
 * Kafka → QuestDB for the raw topics (readings, edge statistics, dead letters). Fetched
 * batches are written into an ILP buffer and flushed over HTTP every MF_SINK_FLUSH_ROWS rows or
 * MF_SINK_FLUSH_INTERVAL_MS; only when QuestDB has accepted a flush are the offsets it covers
 * committed. A crash therefore replays at most the unflushed records, and DEDUP UPSERT KEYS on
 * every table turn that replay into the same rows.
 */
export async function createRawReadingsSink(options: SinkOptions): Promise<RawReadingsSink> {
  const log = options.logger;
  const { topics } = options.kafka;
  const metrics = createMetrics('meterflow_sink');
  const rowsWritten = metrics.counter('rows_written_total', 'Rows accepted by QuestDB, by table');
  const unreadable = metrics.counter('records_unreadable_total', 'Kafka records that are not valid JSON of their topic or lack its fields (dead-lettered as QUESTDB_REFUSED with their offset)');
  const refusedRows = metrics.counter('rows_refused_total', 'Rows isolated from their flush and dead-lettered: a value the column cannot hold, or refused by QuestDB, by table and code');
  const writeErrors = metrics.counter('questdb_write_errors_total', 'Failed QuestDB flushes (each is retried)');
  const flushLatency = metrics.summary('questdb_flush_seconds', 'QuestDB ILP flush latency');

  const pool = createQuestdbPool({ ...options.questdb.pg, max: 2 });
  await ensureTables(pool, [questdbTables.readings, questdbTables.edgeStats, questdbTables.deadLetters]);
  await pool.end();
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-sink', logger: log.child('kafka') });
  const sourceTopics = [topics.readings, topics.edgeStats, topics.deadLetters];
  // Whoever starts first creates the topics (idempotent), so start order does not matter.
  await kafka.ensureTopics(sourceTopics);
  const writer = await createIlpWriter(options.questdb.httpUrl, {
    service: 'sink',
    logger: log.child('ilp'),
    onRefused: (row) => refusedRows.inc({ table: row.table, code: row.code }),
  });

  /** Each source topic but readings, the table it fills and how one record becomes a row. */
  type Route = { table: string; problem(body: object): string | null; write(body: object, partition: number, offset: string, origin: RowOrigin): Promise<void> };
  const routes = new Map<string, Route>([
    [topics.edgeStats.name, { table: questdbTables.edgeStats.name, problem: edgeStatsProblem, write: (body, _p, _o, origin) => writeEdgeStatsRow(writer, body as EdgeStats, origin) }],
    [topics.deadLetters.name, { table: questdbTables.deadLetters.name, problem: deadLetterProblem, write: (body, p, o, origin) => writeDeadLetterRow(writer, body as DeadLetter, p, o, origin) }],
  ]);

  const writeBatch = async (batch: IncomingBatch, route: Route): Promise<number> => {
    let rows = 0;
    for (const record of batch.records) {
      // Where the row comes from: a row QuestDB cannot take is dead-lettered with it, not retried forever.
      const origin: RowOrigin = { source: batch.topic, partition: batch.partition, offset: record.offset, at: record.timestamp, payload: record.value ?? '' };
      let body: object;
      try {
        const parsed: unknown = JSON.parse(record.value?.toString('utf8') ?? 'null');
        if (parsed === null || typeof parsed !== 'object') throw new Error('not a JSON object');
        const wrong = route.problem(parsed);
        if (wrong) throw new Error(wrong);
        body = parsed;
      } catch (error) {
        unreadable.inc({ topic: batch.topic });
        log.error('unreadable record dead-lettered', { topic: batch.topic, partition: batch.partition, offset: record.offset, error });
        writer.refuse({ table: route.table, timestampMs: record.timestamp, error: describeError(error), origin });
        continue;
      }
      await route.write(body, batch.partition, record.offset, origin);
      rows += 1;
    }
    return rows;
  };

  /**
   * A readings record holds a micro-batch (core/streams/readings.ts): decoded once, one row per
   * reading. A reading that is not one, or whose number a column cannot hold, becomes a dead
   * letter of its own (with the record's offset and its index in the record, which together
   * name it); the rest of the record is written.
   */
  const writeReadings = async (batch: IncomingBatch): Promise<number> => {
    let rows = 0;
    const table = questdbTables.readings.name;
    for (const record of batch.records) {
      const decoded = decodeReadingsRecord(record.value);
      // One origin per record, shared by its rows: only a refused row ever reads it.
      const origin: RowOrigin = { source: batch.topic, partition: batch.partition, offset: record.offset, at: record.timestamp, payload: record.value ?? '' };
      if (!decoded.ok) {
        unreadable.inc({ topic: batch.topic });
        log.error('unreadable record dead-lettered', { topic: batch.topic, partition: batch.partition, offset: record.offset, error: decoded.detail });
        writer.refuse({ table, timestampMs: record.timestamp, error: decoded.detail, origin });
        continue;
      }
      for (const bad of decoded.unreadable) {
        // A reading of the wrong shape is unreadable; one whose number no column can hold is an invalid row.
        if (bad.kind === 'shape') unreadable.inc({ topic: batch.topic });
        log.error('unreadable reading dead-lettered', { topic: batch.topic, partition: batch.partition, offset: record.offset, index: bad.index, error: bad.detail });
        const at = `reading ${bad.index} of the record: ${bad.detail}`;
        writer.refuse({ table, timestampMs: record.timestamp, error: at, origin: { ...origin, payload: bad.item }, ...(bad.kind === 'column' ? { code: 'QUESTDB_ROW_INVALID' as const } : {}) });
      }
      for (const { reading } of decoded.readings) await writeReadingRow(writer, reading, origin);
      rows += decoded.readings.length;
    }
    return rows;
  };

  let lastFlushOk = true;
  /** Rows per table written into the ILP buffer since the last flush. */
  const buffered = new Map<string, number>();

  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: options.groupId,
    topics: sourceTopics.map((t) => t.name),
    fromBeginning: true,
    flushRecords: options.flushRows,
    flushIntervalMs: options.flushIntervalMs,
    async handle(batch) {
      if (batch.topic === topics.readings.name) {
        const rows = await writeReadings(batch);
        buffered.set(questdbTables.readings.name, (buffered.get(questdbTables.readings.name) ?? 0) + rows);
        return rows;
      }
      const route = routes.get(batch.topic) as Route; // subscribed to exactly the routed topics
      const rows = await writeBatch(batch, route);
      buffered.set(route.table, (buffered.get(route.table) ?? 0) + rows);
      return rows;
    },
    // One flush covers batches of many partitions: QuestDB applies each flush as one WAL
    // transaction, and each out-of-order transaction costs a partition merge, so fewer is faster.
    async flush() {
      const started = process.hrtime.bigint();
      let refused: RefusedRow[];
      try {
        ({ refused } = await writer.flush());
      } catch (error) {
        writer.discard();
        buffered.clear();
        writeErrors.inc();
        lastFlushOk = false;
        throw error;
      }
      flushLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      for (const row of refused) buffered.set(row.table, (buffered.get(row.table) ?? 0) - (row.code === 'RECORD_UNREADABLE' ? 0 : 1));
      for (const [table, rows] of buffered) if (rows > 0) rowsWritten.inc({ table }, rows);
      log.debug('flushed', Object.fromEntries(buffered));
      buffered.clear();
      lastFlushOk = true;
    },
  });

  const health: HealthServer | null =
    options.httpPort === null ? null : await startHealthServer(options.httpPort, () => ({ healthy: lastFlushOk, detail: { questdbWritable: lastFlushOk } }), metrics, options.httpHost);
  const sampler = options.metricsSampling
    ? startMetricsSampler({
        metrics,
        service: 'sink',
        instance: options.groupId,
        questdbHttpUrl: options.questdb.httpUrl,
        intervalMs: options.metricsSampling.intervalMs,
        // Lag is what the Pipeline health dashboard most needs: readings Kafka has and QuestDB not yet.
        collect: async () =>
          Promise.all(
            sourceTopics.map(async (topic) => ({
              metric: 'meterflow_sink_kafka_consumer_lag',
              labels: `{topic="${topic.name}"}`,
              type: 'gauge' as const,
              value: await kafka.groupLag(options.groupId, topic.name),
            })),
          ),
        logger: log.child('metrics'),
      })
    : null;
  log.info('raw-readings sink started', { groupId: options.groupId, questdb: options.questdb.httpUrl, httpPort: health?.port });

  return {
    metrics,
    httpPort: health?.port ?? null,
    async stop() {
      await sampler?.stop();
      // kafkajs waits for the running eachBatch (and its commit) before leaving the group.
      await consumer.disconnect();
      await writer.close();
      await health?.close();
      log.info('raw-readings sink stopped');
    },
  };
}
