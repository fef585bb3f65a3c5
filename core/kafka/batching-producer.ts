import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { OutgoingRecord, RawProducer } from './kafka-client';

export interface BatchingProducerOptions {
  /** Most records per produce request. */
  maxBatch: number;
  /**
   * Most key + value bytes per produce request, kept under the broker's message.max.bytes
   * (1 MiB by default) so a burst of large records (dead letters) cannot make a request the
   * broker refuses forever. A single larger record still goes, alone. @default 900000
   */
  maxBatchBytes?: number;
  /** How long the first queued record waits for company before the batch goes. */
  lingerMs: number;
  logger: Logger;
  /** Observes each successful request: record count and seconds it took. */
  onSent?(count: number, seconds: number): void;
  /** Observes each failed attempt (the batch is retried, never dropped). */
  onError?(error: unknown): void;
  /**
   * A record Kafka refused alone, for a reason retrying cannot cure (too large, invalid).
   * Returns what to send in its place (a dead letter) or null to drop it. A replacement that
   * is refused too is dropped. Either way the record stops blocking those behind it.
   * @default drop (logged)
   */
  onRejected?(record: OutgoingRecord, error: unknown): OutgoingRecord | null;
  /** Observes each record given up on: refused, and its replacement refused or absent. */
  onDropped?(record: OutgoingRecord, error: unknown): void;
}

/** What became of a record handed to `send`. */
export type SendOutcome = 'sent' | 'replaced' | 'dropped';

export interface BatchingProducer {
  /**
   * Resolves once Kafka has acknowledged the record (acks=all), or its replacement, or once
   * it is dropped as refused (see onRejected). Never rejects while open.
   */
  send(record: OutgoingRecord): Promise<SendOutcome>;
  /** Records queued or in flight, not yet acknowledged. */
  pending(): number;
  /** Age in ms of the oldest record not yet acknowledged; 0 when none (a stuck producer shows here). */
  oldestPendingMs(): number;
  /**
   * Waits up to `timeoutMs` for everything queued so far to be acknowledged, then disconnects.
   * Resolves with the number of records given up on: their `send` promises never resolve, so
   * callers that acknowledge upstream only on resolve lose nothing (upstream redelivers).
   */
  close(timeoutMs?: number): Promise<number>;
}

interface Entry {
  record: OutgoingRecord;
  resolve(outcome: SendOutcome): void;
  queuedAt: number;
  /** Set once the record was refused and replaced: a second refusal drops it. */
  replaced?: boolean;
}

/**
 * Batches records (kafkajs has no linger), keeps exactly one request in flight so per-key
 * order holds and the idempotent producer stays safe, and retries a failed batch with
 * backoff until Kafka takes it: a record handed to `send` is never dropped while Kafka is
 * merely unavailable. A record Kafka refuses for good (too large, invalid) is isolated by
 * splitting its request, then replaced by `onRejected` (a dead letter) or dropped, loudly. Callers apply
 * back-pressure by not acknowledging upstream until `send` resolves.
 */
export function createBatchingProducer(producer: RawProducer, options: BatchingProducerOptions): BatchingProducer {
  const queue: Entry[] = [];
  let inFlight = 0;
  /** queuedAt of the oldest record of the request in flight, 0 when none. */
  let inFlightSince = 0;
  let draining: Promise<void> | null = null;
  let lingerTimer: NodeJS.Timeout | null = null;
  let closed = false;
  let abandoned = false;

  const schedule = () => {
    if (draining || queue.length === 0 || abandoned) return;
    if (queue.length >= options.maxBatch || options.lingerMs === 0 || closed) {
      if (lingerTimer) clearTimeout(lingerTimer);
      lingerTimer = null;
      draining = drain().finally(() => {
        draining = null;
        schedule();
      });
    } else if (!lingerTimer) {
      lingerTimer = setTimeout(() => {
        lingerTimer = null;
        draining = drain().finally(() => {
          draining = null;
          schedule();
        });
      }, options.lingerMs);
    }
  };

  const maxBatchBytes = options.maxBatchBytes ?? 900_000;
  const recordBytes = (r: OutgoingRecord) => r.key.length + (typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length);
  /** How many queued records the next request takes: up to maxBatch and maxBatchBytes, at least one. */
  const batchLength = () => {
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < options.maxBatch) {
      bytes += recordBytes(queue[n]!.record);
      if (n > 0 && bytes > maxBatchBytes) break;
      n += 1;
    }
    return n;
  };

  const drain = async () => {
    while (queue.length > 0 && !abandoned) {
      const batch = queue.splice(0, batchLength());
      inFlight = batch.length;
      inFlightSince = batch[0]!.queuedAt;
      let backoffMs = 100;
      while (!abandoned) {
        const started = process.hrtime.bigint();
        try {
          await producer.sendBatch(batch.map((e) => e.record));
          options.onSent?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
          for (const e of batch) e.resolve(e.replaced ? 'replaced' : 'sent');
          break;
        } catch (error) {
          options.onError?.(error);
          // The broker refused the request as too large or invalid: split it, so one bad record
          // cannot hold the others back; the second half goes next, keeping per-key order.
          if ((error as { code?: string }).code === 'KAFKA_RECORD_REJECTED' && batch.length > 1) {
            const rest = batch.splice(Math.ceil(batch.length / 2));
            queue.unshift(...rest);
            inFlight = batch.length;
            options.logger.warn('Kafka refused a request as too large or invalid; splitting it', { records: batch.length + rest.length, error });
            continue;
          }
          // Refused alone: this record can never be sent. Replace it (dead letter) or drop it,
          // so it cannot stand forever in front of every record behind it.
          if ((error as { code?: string }).code === 'KAFKA_RECORD_REJECTED') {
            const entry = batch[0]!;
            const replacement = entry.replaced ? null : (options.onRejected?.(entry.record, error) ?? null);
            if (replacement) {
              options.logger.error('Kafka refused a record; sending its replacement (dead letter) instead', { topic: entry.record.topic, key: entry.record.key.slice(0, 256), error });
              entry.record = replacement;
              entry.replaced = true;
              continue;
            }
            options.logger.error('Kafka refused a record and it has no (acceptable) replacement; dropped', { topic: entry.record.topic, key: entry.record.key.slice(0, 256), error });
            options.onDropped?.(entry.record, error);
            entry.resolve('dropped');
            break;
          }
          // Non-retriable errors (e.g. a record too large) will not heal by waiting; say so loudly.
          const retriable = (error as { retriable?: boolean }).retriable !== false;
          options.logger[retriable ? 'warn' : 'error'](`produce of ${batch.length} records failed; retrying in ${backoffMs} ms`, { error: describeError(error), retriable });
          await new Promise((r) => setTimeout(r, backoffMs));
          backoffMs = Math.min(backoffMs * 2, 5000);
        }
      }
      inFlight = 0;
      inFlightSince = 0;
      // What queued up during the request has waited long enough: send it right away.
    }
  };

  return {
    send(record) {
      return new Promise<SendOutcome>((resolve) => {
        queue.push({ record, resolve, queuedAt: Date.now() });
        schedule();
      });
    },
    pending: () => queue.length + inFlight,
    oldestPendingMs: () => {
      const oldest = inFlightSince || queue[0]?.queuedAt || 0;
      return oldest === 0 ? 0 : Date.now() - oldest;
    },
    async close(timeoutMs = Infinity) {
      closed = true;
      schedule();
      const drained = (async () => {
        while (!abandoned && (draining || queue.length > 0)) await (draining ?? Promise.resolve());
      })();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        if (Number.isFinite(timeoutMs)) timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      const givenUp = queue.length + inFlight;
      abandoned = true;
      await producer.disconnect().catch(() => undefined);
      return givenUp;
    },
  };
}
