import { Sender } from '@questdb/nodejs-client';
import { MeterflowError } from '../errors';

/** One row being written: a fluent subset of the ILP sender, so callers stay free of the client. */
export type RowWriter = Pick<Sender, 'symbol' | 'stringColumn' | 'floatColumn' | 'intColumn' | 'booleanColumn' | 'timestampColumn'>;

export interface IlpWriter {
  /** Appends a row to the buffer; `write` fills its columns. */
  row(table: string, timestampMs: number, write: (row: RowWriter) => void): Promise<void>;
  /** Sends the buffer over HTTP; resolves when QuestDB has accepted every row (WAL commit). */
  flush(): Promise<void>;
  /** Drops what was buffered (after a failed flush, the caller rewrites the batch). */
  discard(): void;
  close(): Promise<void>;
}

/**
 * ILP over HTTP with auto-flush off: the caller flushes once per consumed batch, and only
 * then commits Kafka offsets, so an acknowledged flush means the rows are durable.
 */
export async function createIlpWriter(httpUrl: string): Promise<IlpWriter> {
  const url = new URL(httpUrl);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const auth = url.username ? `;username=${decodeURIComponent(url.username)};password=${decodeURIComponent(url.password)}` : '';
  const sender = await Sender.fromConfig(`${scheme}::addr=${url.host};auto_flush=off;retry_timeout=2000${auth}`, {
    log: () => {}, // failures surface as rejected flushes, handled by the caller
  });
  return {
    async row(table, timestampMs, write) {
      sender.table(table);
      write(sender);
      await sender.at(timestampMs, 'ms');
    },
    async flush() {
      try {
        await sender.flush();
      } catch (error) {
        throw new MeterflowError('QUESTDB_WRITE_FAILED', `QuestDB refused the batch: ${(error as Error).message}`, { retriable: true, cause: error });
      }
    },
    discard: () => void sender.reset(),
    close: () => sender.close(),
  };
}
