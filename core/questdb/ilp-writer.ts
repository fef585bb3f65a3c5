import { createHash } from 'node:crypto';
import { Sender } from '@questdb/nodejs-client';
import { deadLetterLimits, deadLetterPayloadLimit, maxTimestampMs, questdbTables, truncateText } from '../contracts';
import { MeterflowError } from '../errors';
import { deadLettersTable } from '../streams/dead-letters';
import type { Logger } from '../logger';
import { checkDesignatedTs, rowValidator, type RowWriter } from './checked-row';
import { useFastEscaping } from './fast-ilp-escaping';

export type { RowWriter } from './checked-row';

/** Where a row came from, so a refused one can be dead-lettered with what is needed to find and replay it. */
export interface RowOrigin {
  /** Kafka topic (or another source name) of the record the row was made from. */
  source: string;
  partition?: number;
  offset?: string;
  /** Epoch ms of the source record (Kafka timestamp); the dead letter's designated timestamp. */
  at?: number;
  /** The source record itself (cut at deadLetterPayloadLimit in the dead letter). */
  payload?: Buffer | string;
}

/** A row that did not reach its table, and why. */
export interface RefusedRow {
  table: string;
  timestampMs: number;
  /**
   * QUESTDB_ROW_INVALID: refused before sending (a value its column cannot hold);
   * QUESTDB_ROW_REFUSED: QuestDB refused it; RECORD_UNREADABLE: the caller could not make a row of its record.
   */
  code: 'QUESTDB_ROW_INVALID' | 'QUESTDB_ROW_REFUSED' | 'RECORD_UNREADABLE';
  error: string;
  origin?: RowOrigin;
}

export interface FlushReport {
  /** Rows QuestDB accepted. */
  written: number;
  /** Rows isolated and dead-lettered (table dead_letters, reason QUESTDB_REFUSED) instead of written. */
  refused: RefusedRow[];
}

export interface IlpWriter {
  /**
   * Appends a row; `write` fills its columns. A value its column cannot hold (a LONG beyond
   * 2^53, a non-finite DOUBLE, a timestamp out of range) refuses the row alone: it is kept
   * out of the buffer and reported (and dead-lettered) by the next flush. Never throws for that.
   */
  row(table: string, timestampMs: number, write: (row: RowWriter) => void, origin?: RowOrigin): Promise<void>;
  /**
   * Sends the buffer over HTTP; resolves when QuestDB has accepted every row (WAL commit) but
   * the refused ones. When QuestDB refuses the request for its content (HTTP 4xx), the rows
   * are bisected until the bad ones are isolated: those are dead-lettered, the rest written.
   * Rejects (QUESTDB_WRITE_FAILED, retriable) only when QuestDB is unreachable or failing;
   * then nothing of this flush is guaranteed written and the caller writes it again.
   */
  flush(): Promise<FlushReport>;
  /** Dead-letters a record the caller could not make a row of, with the next flush. */
  refuse(row: Omit<RefusedRow, 'code'> & { code?: RefusedRow['code'] }): void;
  /** Rows appended since the last flush. */
  pendingRows(): number;
  /** Drops what was buffered (after a failed flush, the caller rewrites the batch). */
  discard(): void;
  close(): Promise<void>;
}

export interface IlpWriterOptions {
  /** Names the writer in dead letters (bridge_id column) and logs. @default 'meterflow' */
  service?: string;
  logger?: Logger;
  /** Observes each isolated row (for a metric). */
  onRefused?(row: RefusedRow): void;
}

interface PendingRow {
  table: string;
  timestampMs: number;
  write: (row: RowWriter) => void;
  origin?: RowOrigin;
}

/**
 * ILP over HTTP with auto-flush off: the caller flushes once per consumed batch, and only
 * then commits Kafka offsets, so an acknowledged flush means the rows are durable.
 *
 * The rows since the last flush are kept (as their write functions) so that one bad row costs
 * only itself: QuestDB refuses a whole request for one malformed value, and re-sending the
 * same request forever would stop every row behind it. Re-sent halves are safe
 * because every meterflow table has DEDUP UPSERT KEYS.
 */
export async function createIlpWriter(httpUrl: string, options: IlpWriterOptions = {}): Promise<IlpWriter> {
  const url = new URL(httpUrl);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const auth = url.username ? `;username=${decodeURIComponent(url.username)};password=${decodeURIComponent(url.password)}` : '';
  const sender = await Sender.fromConfig(`${scheme}::addr=${url.host};auto_flush=off;retry_timeout=2000${auth}`, {
    log: () => {}, // failures surface as rejected flushes, handled by the caller
  });
  useFastEscaping(sender);
  const service = truncateText(options.service ?? 'meterflow', deadLetterLimits.bridgeIdChars);
  let pending: PendingRow[] = [];
  /** Rows refused before sending, reported by the next flush. */
  let invalid: RefusedRow[] = [];

  /** Validates the row first (nothing written), then writes it: a bad value never leaves half a row behind. */
  const append = async (r: PendingRow) => {
    checkDesignatedTs(r.timestampMs);
    r.write(rowValidator);
    sender.table(r.table);
    r.write(sender);
    await sender.at(r.timestampMs, 'ms');
  };

  /** Rebuilds the buffer from `rows` (after a row threw half-written, or for a bisected half). */
  const rebuild = async (rows: PendingRow[]) => {
    sender.reset();
    for (const r of rows) await append(r);
  };

  const send = async (): Promise<void> => {
    try {
      await sender.flush();
    } catch (error) {
      sender.reset();
      throw asWriteError(error);
    }
  };

  /** Sends `rows`; on a content refusal splits them until each bad row is alone. */
  const sendIsolating = async (rows: PendingRow[], refused: RefusedRow[]): Promise<number> => {
    await rebuild(rows);
    try {
      await send();
      return rows.length;
    } catch (error) {
      if (!(error instanceof RowsRefused)) throw error;
      if (rows.length === 1) {
        const r = rows[0]!;
        refused.push({ table: r.table, timestampMs: r.timestampMs, code: 'QUESTDB_ROW_REFUSED', error: error.message, ...(r.origin ? { origin: r.origin } : {}) });
        return 0;
      }
      const mid = Math.ceil(rows.length / 2);
      return (await sendIsolating(rows.slice(0, mid), refused)) + (await sendIsolating(rows.slice(mid), refused));
    }
  };

  const deadLetter = async (refused: RefusedRow[]) => {
    for (const r of refused) {
      options.onRefused?.(r);
      options.logger?.error('row isolated and dead-lettered', { table: r.table, code: r.code, error: truncateText(r.error, 300), topic: r.origin?.source, partition: r.origin?.partition, offset: r.origin?.offset });
    }
    sender.reset();
    for (const r of refused) await append(refusedRowDeadLetter(r, service));
    try {
      await send();
    } catch (error) {
      // The dead letters are bounded and well-formed; if QuestDB still refuses them, say so and go on.
      if (!(error instanceof RowsRefused)) throw error;
      options.logger?.error('QuestDB refused the dead letters of refused rows; they are only in this log', { service, rows: refused.length, tables: [...new Set(refused.map((r) => r.table))], error });
    }
  };

  return {
    async row(table, timestampMs, write, origin) {
      const entry: PendingRow = { table, timestampMs, write, ...(origin ? { origin } : {}) };
      try {
        await append(entry);
      } catch (error) {
        // Validation throws before anything is written; anything else (a client error on a
        // name) may leave half a row: rebuild the buffer from the rows kept so far.
        if (!(error instanceof MeterflowError && error.code === 'QUESTDB_ROW_INVALID')) await rebuild(pending);
        invalid.push({ table, timestampMs, code: 'QUESTDB_ROW_INVALID', error: (error as Error).message, ...(origin ? { origin } : {}) });
        return;
      }
      pending.push(entry);
    },
    async flush() {
      const rows = pending;
      const refused = invalid;
      pending = [];
      invalid = [];
      if (rows.length === 0 && refused.length === 0) return { written: 0, refused: [] };
      let written = 0;
      try {
        try {
          await send();
          written = rows.length;
        } catch (error) {
          if (!(error instanceof RowsRefused)) throw error;
          options.logger?.warn('QuestDB refused a flush; isolating the bad row(s)', { rows: rows.length, tables: [...new Set(rows.map((r) => r.table))], error: truncateText(error.message, 300) });
          written = await sendIsolating(rows, refused);
        }
        if (refused.length > 0) await deadLetter(refused);
      } catch (error) {
        sender.reset();
        throw error;
      }
      return { written, refused };
    },
    refuse(row) {
      invalid.push({ ...row, code: row.code ?? 'RECORD_UNREADABLE' });
    },
    pendingRows: () => pending.length,
    discard: () => {
      pending = [];
      invalid = [];
      sender.reset();
    },
    close: () => sender.close(),
  };
}

/** QuestDB refused the request for what it holds (HTTP 4xx other than auth/rate): bisecting can isolate it. */
class RowsRefused extends Error {}

const notContent = new Set([401, 403, 404, 407, 408, 429]);

function asWriteError(error: unknown): Error {
  const message = (error as Error)?.message ?? String(error);
  const status = Number(/statusCode=(\d{3})/.exec(message)?.[1] ?? NaN);
  if (status >= 400 && status < 500 && !notContent.has(status)) return new RowsRefused(message);
  return new MeterflowError('QUESTDB_WRITE_FAILED', `QuestDB did not accept the batch: ${truncateText(message, 500)}`, { retriable: true, cause: error });
}

/**
 * A refused row as a dead_letters row: reason QUESTDB_REFUSED, the source record as payload.
 * Its key (ts, kafka_partition, kafka_offset) is the source record's when known, so a replay of
 * the same bad record upserts the same dead letter; else a hash of the row keeps it unique.
 */
const deadLetter = deadLettersTable.columns;

function refusedRowDeadLetter(r: RefusedRow, service: string): PendingRow {
  const payload = r.origin?.payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.origin.payload) ? r.origin.payload : Buffer.from(r.origin.payload);
  const kept = payload.subarray(0, deadLetterPayloadLimit);
  const offset = r.origin?.offset !== undefined && /^\d{1,15}$/.test(r.origin.offset) ? Number(r.origin.offset) : hash48(`${r.table}|${r.timestampMs}|${r.error}|${payload.toString('base64')}`);
  const at = r.origin?.at !== undefined && Number.isSafeInteger(r.origin.at) && r.origin.at >= 0 && r.origin.at <= maxTimestampMs ? r.origin.at : Date.now();
  return {
    table: questdbTables.deadLetters.name,
    timestampMs: at,
    write: (row) => {
      row.symbol(deadLetter.reason, 'QUESTDB_REFUSED').symbol(deadLetter.bridge_id, service);
      row
        .stringColumn(deadLetter.detail, truncateText(`${r.code} in table ${r.table}: ${r.error}`, deadLetterLimits.detailChars))
        .stringColumn(deadLetter.mqtt_topic, truncateText(r.origin?.source ?? `questdb:${r.table}`, deadLetterLimits.topicChars))
        .stringColumn(deadLetter.payload_base64, kept.toString('base64'))
        .intColumn(deadLetter.payload_bytes, payload.length)
        .booleanColumn(deadLetter.payload_truncated, kept.length < payload.length)
        .intColumn(deadLetter.kafka_partition, r.origin?.partition ?? -1)
        .intColumn(deadLetter.kafka_offset, offset);
    },
  };
}

function hash48(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6);
}
