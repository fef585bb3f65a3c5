import { z } from 'zod';
import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';
import { checkRecord, decodeRecord, parseRecordJson } from './stream-record';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The window-results stream (topic `rollups`): what the rolling-averages processor emits when
 * a window closes — a meter's sliding average (key: meter id, table rolling_averages) or a
 * sector/fleet tumbling aggregate, partial per input partition (key: scope id, table rollups).
 * Record: the row's columns flattened, `{ table, ts, ...columns }`, times in epoch ms, so an
 * outside consumer reads the table's column names and tells the two kinds apart by `table`.
 */
export function windowResultsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'rollups', partitions, 7, 'Rolling averages (key: meter id) and sector/fleet rollups (key: scope id), as written to QuestDB');
}

/** One closed sliding window of one meter's instantaneous rate. */
export interface RollingAverage {
  meterId: string;
  sector: string | null;
  /** The configured window's name, e.g. `1h`. */
  windowSize: string;
  windowStart: number;
  /** Exclusive end, epoch ms; the row's designated timestamp. */
  windowEnd: number;
  count: number;
  sum: number;
  mean: number;
  min: number;
  max: number;
}

/** One closed tumbling bucket of a sector or of the fleet, over the readings of one input partition. */
export interface Rollup {
  scope: 'sector' | 'fleet';
  scopeId: string;
  /** The configured bucket's name, e.g. `15m`. */
  bucket: string;
  /** Start, epoch ms; the row's designated timestamp. */
  bucketStart: number;
  bucketEnd: number;
  /** Partial per Kafka partition: readers sum count and sum, take min of min and max of max over partitions. */
  partition: number;
  count: number;
  sum: number;
  mean: number;
  min: number;
  max: number;
}

/** The aggregate of a window or bucket, the same five columns in both tables (readers merge them alike). */
const aggregateColumns = { count: 'LONG', sum: 'DOUBLE', mean: 'DOUBLE', min: 'DOUBLE', max: 'DOUBLE' } as const;

export const rollingAveragesTable = defineTable({
  name: 'rolling_averages',
  description: 'Per-meter sliding windows of the instantaneous rate: a row per window end that holds a reading, except where a shorter window repeats its previous row (docs/processors.md). Key: (ts = window end, meter_id, window_size).',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    window_size: 'SYMBOL CAPACITY 16 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    window_start: 'TIMESTAMP',
    ...aggregateColumns,
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'meter_id', 'window_size'],
});

export const rollupsTable = defineTable({
  name: 'rollups',
  description: 'Tumbling aggregates per sector and for the fleet, partial per Kafka partition (sum count and sum, min of min, max of max over partitions). Key: (ts = bucket start, scope, scope_id, bucket, kafka_partition).',
  columns: {
    ts: 'TIMESTAMP',
    scope: 'SYMBOL CAPACITY 8 CACHE',
    scope_id: 'SYMBOL CAPACITY 4096 CACHE',
    bucket: 'SYMBOL CAPACITY 16 CACHE',
    kafka_partition: 'INT',
    bucket_end: 'TIMESTAMP',
    ...aggregateColumns,
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'scope', 'scope_id', 'bucket', 'kafka_partition'],
});

export function rollingAverageToRow(w: RollingAverage): TableRow {
  return {
    table: rollingAveragesTable.name,
    ts: w.windowEnd,
    symbols: { meter_id: w.meterId, window_size: w.windowSize, ...(w.sector ? { sector: w.sector } : {}) },
    values: { window_start: w.windowStart, count: w.count, sum: w.sum, mean: w.mean, min: w.min, max: w.max },
    types: { window_start: 'timestamp', count: 'long' },
  } satisfies TableRowOf<typeof rollingAveragesTable>;
}

export function rollupToRow(r: Rollup): TableRow {
  return {
    table: rollupsTable.name,
    ts: r.bucketStart,
    symbols: { scope: r.scope, scope_id: r.scopeId, bucket: r.bucket },
    values: { kafka_partition: r.partition, bucket_end: r.bucketEnd, count: r.count, sum: r.sum, mean: r.mean, min: r.min, max: r.max },
    types: { kafka_partition: 'long', bucket_end: 'timestamp', count: 'long' },
  } satisfies TableRowOf<typeof rollupsTable>;
}

const epochMs = z.number().int().nonnegative();
const aggregate = { count: z.number().int().positive(), sum: z.number().finite(), mean: z.number().finite(), min: z.number().finite(), max: z.number().finite() };

export const windowResultRecordSchema = z.discriminatedUnion('table', [
  z.object({ table: z.literal(rollingAveragesTable.name), ts: epochMs, meter_id: z.string().min(1), window_size: z.string().min(1), sector: z.string().nullable().optional(), window_start: epochMs, ...aggregate }),
  z.object({ table: z.literal(rollupsTable.name), ts: epochMs, scope: z.enum(['sector', 'fleet']), scope_id: z.string().min(1), bucket: z.string().min(1), kafka_partition: z.number().int().nonnegative(), bucket_end: epochMs, ...aggregate }),
]);

export type WindowResult = { kind: 'rolling-average'; value: RollingAverage } | { kind: 'rollup'; value: Rollup };

function rowOf(result: WindowResult): TableRow {
  return result.kind === 'rolling-average' ? rollingAverageToRow(result.value) : rollupToRow(result.value);
}

/** The record a window result is published as: its row flattened, `{"table", "ts", symbols…, values…}`. */
export function encodeWindowResult(result: WindowResult): string {
  // Written out rather than stringified from the row: ~3 per reading on history, the row built
  // twice and spread was 5 % of the processors' CPU. Same text as JSON.stringify of the
  // flattened row (window-results.test.ts checks it against that).
  const q = JSON.stringify;
  const aggregates = (a: { count: number; sum: number; mean: number; min: number; max: number }) => `"count":${a.count},"sum":${a.sum},"mean":${a.mean},"min":${a.min},"max":${a.max}}`;
  if (result.kind === 'rolling-average') {
    const w = result.value;
    return `{"table":"${rollingAveragesTable.name}","ts":${w.windowEnd},"meter_id":${q(w.meterId)},"window_size":${q(w.windowSize)},${w.sector ? `"sector":${q(w.sector)},` : ''}"window_start":${w.windowStart},${aggregates(w)}`;
  }
  const r = result.value;
  return `{"table":"${rollupsTable.name}","ts":${r.bucketStart},"scope":${q(r.scope)},"scope_id":${q(r.scopeId)},"bucket":${q(r.bucket)},"kafka_partition":${r.partition},"bucket_end":${r.bucketEnd},${aggregates(r)}`;
}

/** The flattened row, as encodeWindowResult writes it (the reference its text is checked against). */
export function flattenedRowOf(result: WindowResult): Record<string, unknown> {
  const row = rowOf(result);
  return { table: row.table, ts: row.ts, ...row.symbols, ...row.values };
}

/**
 * Most window results one record carries. A result encodes to at most ~400 characters (ids and
 * window names are bounded), so a record stays under ~200 KB, well inside Kafka's 1 MB default.
 */
export const windowResultsPerRecord = 500;

/**
 * The record of several window results, in emission order: `{"results":[<result>, …]}`, each
 * element what encodeWindowResult gives. kafkajs costs per record (partitioner, grouping, record
 * encoding): on history the rolling averages emit ~3 results per reading, one record each was
 * most of the processors' CPU (docs/performance.md).
 */
export function encodeWindowResultBatch(encoded: readonly string[]): string {
  if (encoded.length === 0 || encoded.length > windowResultsPerRecord) throw new RangeError(`a window-results record holds 1 to ${windowResultsPerRecord} results, not ${encoded.length}`);
  return `{"results":[${encoded.join(',')}]}`;
}

/**
 * The window results a record holds: a batch record (`{"results":[…]}`) or a single result (the
 * records of earlier releases). Throws STREAM_RECORD_INVALID naming the field (`results.3.scope`)
 * when any is not one: a record is one unit, as the producer wrote it.
 */
export function decodeWindowResults(value: Buffer | string | null): WindowResult[] {
  const record = parseRecordJson('window-results', value);
  if (typeof record === 'object' && record !== null && 'results' in record) return checkRecord('window-results', windowResultBatchSchema, record).results.map(resultOf);
  return [resultOf(checkRecord('window-results', windowResultRecordSchema, record))];
}

/** The window result a single-result record holds; throws STREAM_RECORD_INVALID naming the field when it is not one. */
export function decodeWindowResult(value: Buffer | string | null): WindowResult {
  return resultOf(decodeRecord('window-results', windowResultRecordSchema, value));
}

const windowResultBatchSchema = z.object({ results: z.array(windowResultRecordSchema).max(windowResultsPerRecord) }).strict();

function resultOf(r: z.infer<typeof windowResultRecordSchema>): WindowResult {
  const { count, sum, mean, min, max } = r;
  if (r.table === rollingAveragesTable.name) {
    return { kind: 'rolling-average', value: { meterId: r.meter_id, sector: r.sector || null, windowSize: r.window_size, windowStart: r.window_start, windowEnd: r.ts, count, sum, mean, min, max } };
  }
  return { kind: 'rollup', value: { scope: r.scope, scopeId: r.scope_id, bucket: r.bucket, bucketStart: r.ts, bucketEnd: r.bucket_end, partition: r.kafka_partition, count, sum, mean, min, max } };
}
