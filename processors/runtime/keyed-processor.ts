import type { Reading } from '../../core/contracts';
import type { TableRow } from '../../core/questdb/table-row';
import type { ProcessorEvent } from './processor-event';

/** A row for a QuestDB table, built from an event by its stream's row codec (core/streams). */
export type OutputRow = TableRow;

/** What a processor may do while it handles a reading or a watermark. */
export interface ProcessorContext {
  /** The input partition: partial aggregates over several meters are per partition. */
  readonly partition: number;
  /** This partition's watermark: highest event time seen minus the allowed lateness. */
  readonly watermark: number;
  /** Hands a result to the topology, which stores and publishes it as its stream says. */
  emit(event: ProcessorEvent): void;
  /** Reports a reading that arrived after the windows it belongs to were closed. */
  late(reading: Reading, detail: string): void;
}

/**
 * A processor in the spirit of the Kafka Streams Processor API, reduced to what meterflow
 * needs: readings come in offset order per partition; each reading updates the state of one
 * or more keys (its meter, its sector, the fleet); the runtime calls `advance` for a key when
 * the watermark reaches the time the key asked to be woken at (window ends), which is how
 * windows close on event time, deterministically for a given record order.
 *
 * State must be plain JSON data: the runtime checkpoints it per key with the offset of the
 * last reading applied, so a replay skips what a key has already seen.
 */
export interface KeyedProcessor<S> {
  readonly name: string;
  /** The state keys a reading updates. */
  keysOf(reading: Reading): string[];
  init(key: string, reading: Reading): S;
  apply(key: string, state: S, reading: Reading, ctx: ProcessorContext): void;
  /** Closes what the watermark has passed. */
  advance(key: string, state: S, ctx: ProcessorContext): void;
  /** Event time at which `advance` should next run for this key; null when nothing is pending. */
  nextDue(state: S): number | null;
}
