import { z } from 'zod';
import { meterKinds, type MeterKind } from '../contracts/meter-kind';
import { maxTimestampMs } from '../contracts/reading-ranges';
import { finiteNumber, idSchema, safeInteger, timestampSchema, unitSchema } from '../contracts/wire-fields';
import { defineTable, sqlColumns, type StoredRow } from '../questdb/table-spec';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

// The readings stream: what a device sends (wireReadingSchema, wireBatchSchema; the bridge's
// validation is core/contracts/device-message.ts), the validated Reading, its record on the
// readings topic and its row in the readings table. Every service meets readings here.

/**
 * A reading as a device sends it. `value` is the instantaneous quantity (flow, power,
 * temperature); `register` the cumulative counter. At least one must be present.
 */
export const wireReadingSchema = z
  .object({
    meterId: idSchema.optional(),
    kind: z.enum(meterKinds),
    ts: timestampSchema,
    value: finiteNumber().optional(),
    valueUnit: unitSchema.optional(),
    register: finiteNumber().optional(),
    registerUnit: unitSchema.optional(),
    seq: safeInteger().nonnegative().optional(),
    sector: idSchema.optional(),
  })
  .strict();

export type WireReading = z.infer<typeof wireReadingSchema>;

/** A concentrator or edge gateway sends many readings (of many meters) in one message. */
export const wireBatchSchema = z
  .object({
    gatewayId: idSchema.optional(),
    readings: z.array(z.unknown()),
  })
  .strict();

/** A validated reading, as carried on Kafka (JSON, key = meterId) and stored in QuestDB. */
export interface Reading {
  meterId: string;
  kind: MeterKind;
  /** Event time, epoch milliseconds. */
  ts: number;
  value: number | null;
  valueUnit: string;
  register: number | null;
  registerUnit: string;
  seq: number | null;
  sector: string | null;
  /** When the bridge received the MQTT message, epoch milliseconds. */
  receivedAt: number;
  /**
   * Absent for what a device sent. `manual`: a register read (or a reading confirmed) by an
   * admin through the API; `estimated`: an estimate an admin recorded. Devices cannot set it:
   * the wire schema has no such field.
   */
  source?: ReadingSource;
}

export const readingSources = ['manual', 'estimated'] as const;
export type ReadingSource = (typeof readingSources)[number];

/**
 * How validated readings travel on the readings topic. The bridge writes
 * it (encodeReadingsRecord, through createReadingsBatcher's grouping); the sink, the processors
 * and the API's live feed read it (decodeReadingsRecord). Nothing else knows the record format.
 *
 * Record format, version 1 (UTF-8 JSON):
 *   {"v":1,"readings":[<Reading>, <Reading>, …]}
 * Every reading of one record belongs to the record's partition, i.e. each meter id maps to
 * that partition under Kafka's default (murmur2) partitioner; readings of one meter keep the
 * order in which the bridge received them, within the record and across records of the partition.
 * Version 0 is one bare Reading object per record (what the bridge wrote before micro-batches);
 * it is still read, so a topic written by an older bridge, or by a tool, stays readable.
 */
export const readingsRecordVersion = 1;

/**
 * Most readings one record carries. The processors address a reading by its record offset and
 * its index in the record (offset × readingPositionsPerRecord + index), so this bounds the index.
 */
export const maxReadingsPerRecord = 1000;
/** Positions reserved per record offset in a reading's position (see readingPosition). */
export const readingPositionsPerRecord = 1024;

/**
 * Largest serialised reading: a 64-character meter and sector id, two units of 16 characters
 * escaped at worst as \uXXXX (6 bytes each), a kind, five numbers of at most 24 characters and
 * the field names. The bridge's validation (core/contracts/device-message.ts) guarantees these
 * lengths, so a record of maxReadingsPerRecord readings is at most about 0.6 MB.
 */
export const maxReadingBytes = 64 + 64 + 2 * 16 * 6 + 16 + 5 * 24 + 160;

/**
 * Largest record value the bridge produces: under Kafka's default max.message.bytes (1 MiB)
 * with room for the record overhead, whatever the readings hold.
 */
export const maxReadingsRecordBytes = 900_000;

const prefix = `{"v":${readingsRecordVersion},"readings":[`;
const suffix = ']}';

/** One reading serialised for a record: its JSON and byte length, computed once by the bridge. */
export interface EncodedReading {
  json: string;
  bytes: number;
}

export function encodeReading(reading: Reading): EncodedReading {
  const json = plainlyWritable(reading) ? plainReadingJson(reading) : JSON.stringify(reading);
  return { json, bytes: Buffer.byteLength(json) };
}

/** Text JSON.stringify writes as it is between quotes: no quote, backslash, control character or lone surrogate half. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const plainText = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const isPlain = (v: string | null) => v === null || (typeof v === 'string' && plainText.test(v));
const isFiniteOrNull = (v: number | null) => v === null || Number.isFinite(v);
// Fields absent (a Reading built by hand) fail these checks too, and take JSON.stringify's path,
// as does a manual or estimated reading (rare: its source field is not in the template).
const plainlyWritable = (r: Reading) =>
  r.source === undefined &&
  isPlain(r.meterId) && isPlain(r.kind) && isPlain(r.valueUnit) && isPlain(r.registerUnit) && isPlain(r.sector) &&
  Number.isFinite(r.ts) && Number.isFinite(r.receivedAt) && isFiniteOrNull(r.value) && isFiniteOrNull(r.register) && isFiniteOrNull(r.seq);
const text = (v: string | null) => (v === null ? 'null' : `"${v}"`);

/**
 * The JSON.stringify of a reading built in Reading's field order, written out: every reading
 * the bridge sends is serialised once, and the generic serialiser was its largest own cost.
 * Only for readings plainlyWritable vouches for (numbers finite, strings needing no escape), for
 * which the bytes are the same (test/unit/core/streams/readings-encoding.test.ts).
 */
function plainReadingJson(r: Reading): string {
  return `{"meterId":${text(r.meterId)},"kind":${text(r.kind)},"ts":${r.ts},"value":${r.value},"valueUnit":${text(r.valueUnit)},"register":${r.register},"registerUnit":${text(r.registerUnit)},"seq":${r.seq},"sector":${text(r.sector)},"receivedAt":${r.receivedAt}}`;
}

/** Bytes a record of these readings will take: the frame plus each reading plus the commas. */
export function readingsRecordBytes(readingBytes: number, count: number): number {
  return prefix.length + suffix.length + readingBytes + Math.max(0, count - 1);
}

/** The record value holding these readings (at most maxReadingsPerRecord, of one partition). */
export function encodeReadingsRecord(readings: EncodedReading[]): string {
  return prefix + readings.map((r) => r.json).join(',') + suffix;
}

/** A reading of a record that cannot be used: the rest of the record still is. */
export interface UnreadableReading extends ReadingProblem {
  /** Position in the record's readings (0 for a version-0 record). */
  index: number;
  /** The item as it was in the record, serialised (for the dead letter). */
  item: string;
}

export type DecodedReadingsRecord =
  | { ok: true; readings: { index: number; reading: Reading }[]; unreadable: UnreadableReading[] }
  /** The record as a whole is not a readings record (not JSON, not an object, unknown version, no list). */
  | { ok: false; detail: string };

/**
 * Decodes one readings record: parses it once, then checks each reading with readingProblem
 * (plain code, no schema interpreted per reading). A bad reading is reported alone in
 * `unreadable`; the good ones around it are returned with their index in the record.
 */
export function decodeReadingsRecord(value: Buffer | string | null): DecodedReadingsRecord {
  let body: unknown;
  try {
    body = JSON.parse(value === null ? 'null' : typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, detail: `not JSON: ${(error as Error).message}` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, detail: 'not a JSON object' };
  const frame = body as Record<string, unknown>;
  if (frame.v === undefined) {
    // Version 0: the record is one reading.
    const problem = readingProblem(frame);
    if (problem) return { ok: true, readings: [], unreadable: [{ index: 0, ...problem, item: typeof value === 'string' ? value : (value as Buffer).toString('utf8') }] };
    return { ok: true, readings: [{ index: 0, reading: normalise(frame) }], unreadable: [] };
  }
  if (frame.v !== readingsRecordVersion) return { ok: false, detail: `unknown readings record version ${JSON.stringify(frame.v)}` };
  const items = frame.readings;
  if (!Array.isArray(items)) return { ok: false, detail: '"readings" must be an array' };
  if (items.length > maxReadingsPerRecord) return { ok: false, detail: `a record holds at most ${maxReadingsPerRecord} readings; this one ${items.length}` };
  const readings: { index: number; reading: Reading }[] = [];
  const unreadable: UnreadableReading[] = [];
  for (let index = 0; index < items.length; index += 1) {
    const item: unknown = items[index];
    const problem = readingProblem(item);
    if (problem) unreadable.push({ index, ...problem, item: JSON.stringify(item) ?? 'undefined' });
    else readings.push({ index, reading: normalise(item as Record<string, unknown>) });
  }
  return { ok: true, readings, unreadable };
}

/**
 * Where a reading stands in its partition: its record's offset and its index in the record.
 * Strictly increasing along the partition, so "applied up to position p" is a per-key
 * high-water mark exactly as a record offset was when every record held one reading.
 */
export function readingPosition(offset: number, index: number): number {
  return offset * readingPositionsPerRecord + index;
}

/** The record offset a position (readingPosition) belongs to. */
export function recordOffsetOf(position: number): number {
  return Math.floor(position / readingPositionsPerRecord);
}

const kinds = new Set<string>(meterKinds);
const sources = new Set<string>(readingSources);
const isSafeLong = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAbsent = (v: unknown) => v === null || v === undefined;

/** Why an item is not a usable Reading. */
export interface ReadingProblem {
  detail: string;
  /**
   * 'shape': not a reading (a field of the wrong type, missing, unknown kind);
   * 'column': a reading whose number a QuestDB column cannot hold (a LONG beyond 2^53, a
   * timestamp that is not integer epoch ms or beyond year 2262).
   */
  kind: 'shape' | 'column';
}

const shape = (detail: string): ReadingProblem => ({ detail, kind: 'shape' });
const column = (detail: string): ReadingProblem => ({ detail, kind: 'column' });
const isTimestamp = (v: number) => Number.isSafeInteger(v) && v >= 0 && v <= maxTimestampMs;

/**
 * What makes a decoded item unusable as a Reading downstream of the bridge, or null. Column
 * level only: the bridge already checked plausibility (MF_READING_RANGES) and the device's
 * wire format; a record written by anything else must not put into a column what it cannot hold.
 */
export function readingProblem(body: unknown): ReadingProblem | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return shape('not a JSON object');
  const r = body as Record<string, unknown>;
  if (typeof r.meterId !== 'string' || r.meterId === '' || r.meterId.length > 64) return shape('"meterId" must be a string of 1-64 characters');
  if (typeof r.kind !== 'string' || !kinds.has(r.kind)) return shape('"kind" is not a meter kind');
  if (typeof r.ts !== 'number') return shape('"ts" must be a number');
  if (!isTimestamp(r.ts)) return column('"ts" must be integer epoch ms QuestDB can store');
  if (!isAbsent(r.value) && !isFiniteNumber(r.value)) return shape('"value" must be a finite number or null');
  if (!isAbsent(r.register) && !isFiniteNumber(r.register)) return shape('"register" must be a finite number or null');
  if (!isAbsent(r.seq) && typeof r.seq !== 'number') return shape('"seq" must be a number or null');
  if (!isAbsent(r.seq) && !isSafeLong(r.seq)) return column('"seq" must be a safe integer or null');
  if (!isAbsent(r.sector) && typeof r.sector !== 'string') return shape('"sector" must be a string or null');
  if (!isAbsent(r.valueUnit) && typeof r.valueUnit !== 'string') return shape('"valueUnit" must be a string or null');
  if (!isAbsent(r.registerUnit) && typeof r.registerUnit !== 'string') return shape('"registerUnit" must be a string or null');
  if (!isAbsent(r.receivedAt) && typeof r.receivedAt !== 'number') return shape('"receivedAt" must be a number or null');
  if (!isAbsent(r.receivedAt) && !isTimestamp(r.receivedAt as number)) return column('"receivedAt" must be integer epoch ms QuestDB can store');
  if (!isAbsent(r.source) && !sources.has(r.source as string)) return shape(`"source" must be one of ${readingSources.join(', ')} or absent`);
  return null;
}

/** A checked item as a Reading: absent optional fields become null (units ''); a missing receive time is the event time. */
function normalise(r: Record<string, unknown>): Reading {
  const reading: Reading = {
    meterId: r.meterId as string,
    kind: r.kind as Reading['kind'],
    ts: r.ts as number,
    value: (r.value as number | undefined) ?? null,
    valueUnit: (r.valueUnit as string | undefined | null) ?? '',
    register: (r.register as number | undefined) ?? null,
    registerUnit: (r.registerUnit as string | undefined | null) ?? '',
    seq: (r.seq as number | undefined) ?? null,
    sector: (r.sector as string | undefined) ?? null,
    receivedAt: (r.receivedAt as number | undefined | null) ?? (r.ts as number),
  };
  // Only when set: a device's reading keeps its shape (and its bytes when re-encoded).
  if (typeof r.source === 'string') reading.source = r.source as ReadingSource;
  return reading;
}

/** The readings topic: records of the format above, keyed so each meter stays on its partition. */
export function readingsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'readings', partitions, 7, 'Validated readings, micro-batched per partition (key: meter id of the first reading)');
}

/** The raw readings table the sink writes, one row per reading. */
export const readingsTable = defineTable({
  name: 'readings',
  description: 'One row per validated reading. Key: (ts, meter_id): a meter has one reading per instant.',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    kind: 'SYMBOL CAPACITY 8 CACHE',
    sector: 'SYMBOL CAPACITY 4096 CACHE',
    value: 'DOUBLE',
    value_unit: 'SYMBOL CAPACITY 32 CACHE',
    register: 'DOUBLE',
    register_unit: 'SYMBOL CAPACITY 32 CACHE',
    seq: 'LONG',
    received_at: 'TIMESTAMP',
    // Last, so a table an earlier release created upgrades to the same column order. NULL = a device's reading.
    source: 'SYMBOL CAPACITY 4 CACHE',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'meter_id'],
  upgrades: {
    statements: ['ALTER TABLE readings ADD COLUMN IF NOT EXISTS source SYMBOL CAPACITY 4 CACHE'],
    upToDate: `SELECT 1 FROM table_columns('readings') WHERE "column" = 'source'`,
  },
});

/** The columns a stored reading is read back with: `SELECT ${storedReadingColumns} FROM readings …`. */
export const storedReadingColumns = sqlColumns(readingsTable, ['ts', 'meter_id', 'kind', 'value', 'value_unit', 'register', 'register_unit', 'seq', 'sector', 'received_at', 'source']);

/** A row of storedReadingColumns as the PG wire returns it: timestamps as Date, a LONG as a string or a number. */
export type StoredReadingRow = StoredRow<
  typeof readingsTable,
  {
    ts: Date;
    meter_id: string;
    kind: string;
    value: number | null;
    value_unit: string | null;
    register: number | null;
    register_unit: string | null;
    seq: string | number | null;
    sector: string | null;
    received_at: Date | null;
    source: string | null;
  }
>;

/** A reading as stored: the Reading's fields with its times as Date (a column QuestDB holds NULL in stays null). */
export interface StoredReading {
  meterId: string;
  kind: string;
  ts: Date;
  value: number | null;
  valueUnit: string | null;
  register: number | null;
  registerUnit: string | null;
  seq: number | null;
  sector: string | null;
  receivedAt: Date | null;
  /** null for a device's reading; else who stated it (manual, estimated). */
  source: string | null;
}

export function storedReadingFromRow(row: StoredReadingRow): StoredReading {
  return {
    meterId: row.meter_id,
    kind: row.kind,
    ts: row.ts,
    value: row.value,
    valueUnit: row.value_unit,
    register: row.register,
    registerUnit: row.register_unit,
    seq: row.seq === null ? null : Number(row.seq),
    sector: row.sector,
    receivedAt: row.received_at,
    source: row.source ?? null,
  };
}
