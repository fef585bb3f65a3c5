import type { Reading } from '../../core/contracts';
import type { KeyedProcessor, OutputRow, ProcessorContext } from './keyed-processor';
import { outputRowProblem } from './output-row-check';
import { eventRows, type ProcessorEvent } from './processor-event';
import { createDuplicateFilter } from './duplicate-filter';
import { createRecencyList } from './recency-list';

/**
 * A key's own progress. Kept per key so that one meter's clock (fast, slow, or replayed
 * history) cannot close another meter's windows.
 */
export interface KeyProgress {
  /** Highest progress time (event time clamped to receivedAt + skew) of the readings applied to this key. */
  ownTime: number;
  /** The partition's receive clock when this key last got a reading (for idleness). */
  seenAt: number;
  /** This key's watermark so far (never goes back). */
  watermark: number;
}

export interface KeyState<S> {
  state: S;
  /** Offset of the last reading applied to this key; a replayed reading at or below it is skipped. */
  lastOffset: number;
  /** The partition's stream time after that reading, so a restored task resumes its watermark. */
  streamTime: number;
  /** Absent in checkpoints written before per-key progress: the key then starts idle. */
  progress?: KeyProgress;
}

export interface LateReading {
  reading: Reading;
  offset: number;
  detail: string;
  watermark: number;
}

/** A result dropped because QuestDB could not store one of its rows (output-row-check.ts): its first such row. */
export interface RefusedRow {
  row: OutputRow;
  problem: string;
}

/** A processor's result with the rows its stream stores it as (encoded once, when emitted). */
export interface EmittedEvent {
  event: ProcessorEvent;
  rows: OutputRow[];
}

export interface PartitionTask<S> {
  readonly partition: number;
  /** Highest progress time seen on the partition (event time clamped to the receive clock plus skew). */
  readonly streamTime: number;
  /** Partition stream time minus the lateness: the watermark of idle keys. */
  readonly watermark: number;
  /**
   * Applies readings in offset order; returns what they produced. `skipped` counts readings
   * every key of which had already applied them (a replay); readings that concern no key of
   * this processor (e.g. no register, for billing) are not counted. `duplicates` counts exact
   * copies of a recent reading under a new offset (see duplicateWindow), not applied.
   */
  process(records: { offset: number; reading: Reading }[]): { events: EmittedEvent[]; late: LateReading[]; refused: RefusedRow[]; skipped: number; duplicates: number; applied: number };
  /** Keys changed since the last call, with their state, for the checkpoint. */
  takeDirty(): { key: string; entry: KeyState<S> }[];
  /** Number of keys held. */
  size(): number;
}

export interface PartitionTaskOptions<S> {
  partition: number;
  allowedLatenessMs: number;
  /**
   * A reading moves time forward by at most its receive time plus this: a device whose clock
   * runs ahead (the bridge accepts up to MF_READING_MAX_FUTURE_MS) cannot drag the partition's
   * stream time, or a sector's, into the future. @default 30000
   */
  maxClockSkewMs?: number;
  /**
   * A key that got no reading for this long on the partition's receive clock is idle: its
   * windows then close on the partition's watermark instead of its own progress (so a meter
   * that went silent still gets its last windows emitted and its silence detected).
   * @default 60000
   */
  keyIdleMs?: number;
  /**
   * A key whose progress trails the receive clock by more than this (history: an import, a
   * backlog) is idle only after this long without a reading, not keyIdleMs: an import that
   * pauses between files, or sends a large fleet's months in which a meter was silent, must not
   * see the meter fall back to the partition's watermark — live traffic on the partition puts
   * that at today, which would close every open period and window of the meter's history.
   * @default 1 h (MF_PROCESSORS_HISTORY_IDLE_MS)
   */
  historyIdleMs?: number;
  restored?: { entries: { key: string; entry: KeyState<S> }[] };
  /**
   * How many of the partition's latest readings are remembered by identity (meter, ts, value,
   * register) so that an exact copy under a new offset is not applied twice. Such copies come
   * from MQTT redelivery after a bridge crash: Kafka had the message, the PUBACK was lost, the
   * broker delivers it again and the bridge produces it again. At most the bridges' unacked
   * messages are redelivered (MF_BRIDGE_RECEIVE_MAXIMUM each), and they come within seconds, so
   * 20,000 readings per partition cover a crash at full ingest rate. 0: none filtered here
   * (the topology runner filters once for all its processors, duplicate-filter.ts). @default 20000
   */
  duplicateWindow?: number;
}

export const defaultDuplicateWindow = 20_000;

export const defaultMaxClockSkewMs = 30_000;
export const defaultKeyIdleMs = 60_000;
/** A pause between import runs, or a meter silent for months inside a fleet’s history, is shorter than this (docs/processors.md). */
export const defaultHistoryIdleMs = 3_600_000;

/**
 * One input partition's share of a processor: per-key state and per-key event-time progress.
 *
 * Why per key: a partition carries many meters. If any reading advanced one shared stream
 * time, a meter whose clock runs 10 minutes fast would make every other meter on its
 * partition 8 minutes late (lateness 2 min), and an accelerated replay of one meter's history
 * next to live meters would be all late (a replay compresses hours of event time into milliseconds, so any reordering across meters becomes hours late). So:
 * - a reading's progress time is min(ts, receivedAt + maxClockSkew): a fast clock cannot push
 *   time ahead of the receive clock (the bridge's, stamped in the reading);
 * - an active key's watermark is its own progress minus the lateness: a reading is only ever
 *   late relative to readings of the same key (a sector's key: of the same sector);
 * - a key idle for keyIdleMs of receive time falls back to the partition's watermark (highest
 *   progress time on the partition minus the lateness), so silent meters' windows still close;
 *   a key whose progress trails the receive clock by more than historyIdleMs (history) only
 *   after historyIdleMs, so an import's meters keep their own time while the import goes on.
 * Everything is computed from the records (ts, receivedAt) in offset order, so results depend
 * only on the record order, not on batching or wall time, and a restored task carries on
 * with the same progress (checkpointed per key).
 */
export function createPartitionTask<S>(processor: KeyedProcessor<S>, options: PartitionTaskOptions<S>): PartitionTask<S> {
  const skewMs = options.maxClockSkewMs ?? defaultMaxClockSkewMs;
  const idleMs = options.keyIdleMs ?? defaultKeyIdleMs;
  const historyIdleMs = Math.max(idleMs, options.historyIdleMs ?? defaultHistoryIdleMs);
  const lateness = options.allowedLatenessMs;
  // One entry per key the partition has seen (meters, sectors, fleet); each key's state is bounded
  // by its processor (see the state types), the progress here is 3 numbers.
  const keys = new Map<string, KeyState<S> & { progress: KeyProgress }>();
  /**
   * Keys seen within keyIdleMs, oldest seenAt first (touched on every reading, and seenAt is
   * the monotonic receive clock, so the order stays sorted).
   */
  const active = createRecencyList();
  /** The same for keys whose progress trails their receive time by more than historyIdleMs (history). */
  const activeHistory = createRecencyList();
  /** Moves a key to the young end of the order its progress belongs to (numbers, not an object: once per reading). */
  const touchActive = (key: string, seenAt: number, ownTime: number) => {
    if (seenAt - ownTime > historyIdleMs) {
      active.delete(key);
      activeHistory.touch(key);
    } else {
      activeHistory.delete(key);
      active.touch(key);
    }
  };
  /** Idle keys with a pending wake-up time: fired when the partition's watermark reaches it. */
  const idleDue = new Map<string, number>();
  const dirty = new Set<string>();
  let streamTime = -Infinity;
  let receiveClock = -Infinity;

  // JSON turns -Infinity into null: a checkpoint's "no time yet" comes back as null.
  const time = (t: number | null | undefined) => (typeof t === 'number' ? t : -Infinity);
  const restored = [...(options.restored?.entries ?? [])].map(({ key, entry }) => {
    const streamTime = time(entry.streamTime);
    const p = entry.progress;
    return { key, entry: { ...entry, streamTime, progress: p ? { ownTime: time(p.ownTime), seenAt: time(p.seenAt), watermark: time(p.watermark) } : { ownTime: streamTime, seenAt: -Infinity, watermark: -Infinity } } };
  });
  restored.sort((a, b) => a.entry.progress.seenAt - b.entry.progress.seenAt);
  for (const { key, entry } of restored) {
    keys.set(key, entry);
    touchActive(key, entry.progress.seenAt, entry.progress.ownTime);
    streamTime = Math.max(streamTime, entry.streamTime);
    receiveClock = Math.max(receiveClock, entry.progress.seenAt);
  }
  let minIdleDue = Infinity;
  // 0: the caller filters duplicates (the topology runner does it once for all processors).
  const duplicateWindow = options.duplicateWindow ?? defaultDuplicateWindow;
  const duplicates = duplicateWindow > 0 ? createDuplicateFilter(duplicateWindow) : null;

  const partitionWatermark = () => streamTime - lateness;

  return {
    partition: options.partition,
    get streamTime() {
      return streamTime;
    },
    get watermark() {
      return partitionWatermark();
    },
    process(records) {
      const events: EmittedEvent[] = [];
      const late: LateReading[] = [];
      const refused: RefusedRow[] = [];
      let skipped = 0;
      let duplicateCount = 0;
      let appliedCount = 0;
      let current: { offset: number; reading: Reading } | null = null;
      /** The watermark of the key being handled, seen by the processor through ctx. */
      let keyWatermark = -Infinity;
      const ctx: ProcessorContext = {
        partition: options.partition,
        get watermark() {
          return keyWatermark;
        },
        emit: (event) => {
          // All of a result's rows or none: an invoice without one of its lines would be a wrong invoice.
          const encoded = eventRows(event);
          for (const row of encoded) {
            const problem = outputRowProblem(row);
            if (problem !== null) return void refused.push({ row, problem });
          }
          events.push({ event, rows: encoded });
        },
        late: (reading, detail) => late.push({ reading, offset: current?.offset ?? -1, detail, watermark: keyWatermark }),
      };
      /**
       * A reading the processor throws on (a unit its tariff cannot convert, a bug) costs only
       * itself: it becomes a late reading with the error, and the partition goes on. Thrown out
       * of here, the batch would be re-read from the last commit and throw again, forever, for
       * every meter of the partition.
       */
      const refuse = (r: Reading, entry: { progress: KeyProgress } | undefined, error: unknown) => {
        keyWatermark = entry?.progress.watermark ?? -Infinity;
        ctx.late(r, `${processor.name}: refused, ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000));
      };
      const advance = (key: string, entry: KeyState<S> & { progress: KeyProgress }) => {
        keyWatermark = entry.progress.watermark;
        processor.advance(key, entry.state, ctx);
        dirty.add(key);
      };
      /** Moves keys not seen for keyIdleMs to the idle set, then fires idle keys the partition's watermark has reached. */
      const sweep = () => {
        for (const [list, after] of [[active, idleMs], [activeHistory, historyIdleMs]] as const) {
          for (let key = list.oldest(); key !== undefined; key = list.oldest()) {
            const entry = keys.get(key)!;
            if (entry.progress.seenAt >= receiveClock - after) break;
            list.delete(key);
            const next = processor.nextDue(entry.state);
            if (next !== null) {
              idleDue.set(key, next);
              if (next < minIdleDue) minIdleDue = next;
            }
          }
        }
        const wm = partitionWatermark();
        if (wm < minIdleDue) return;
        minIdleDue = Infinity;
        for (const [key, at] of [...idleDue]) {
          if (at > wm) {
            if (at < minIdleDue) minIdleDue = at;
            continue;
          }
          const entry = keys.get(key)!;
          entry.progress.watermark = Math.max(entry.progress.watermark, wm);
          advance(key, entry);
          const next = processor.nextDue(entry.state);
          if (next === null) idleDue.delete(key);
          else {
            idleDue.set(key, next);
            if (next < minIdleDue) minIdleDue = next;
          }
        }
      };
      for (const record of records) {
        current = record;
        const r = record.reading;
        const received = Number.isFinite(r.receivedAt) ? r.receivedAt : r.ts;
        const progressTime = Math.min(r.ts, received + skewMs);
        if (received > receiveClock) receiveClock = received;
        // An exact copy of a recent reading (same meter, time and numbers, new offset) is a
        // redelivery: applying it again would count it twice. A rewrite (other numbers) is not.
        if (duplicates?.seen(r)) {
          duplicateCount += 1;
          continue;
        }
        let applied = false;
        let replayed = false;
        for (const key of processor.keysOf(r)) {
          let entry = keys.get(key);
          if (entry && entry.lastOffset >= record.offset) {
            replayed = true;
            continue;
          }
          if (!entry) {
            let state: S;
            try {
              state = processor.init(key, r);
            } catch (error) {
              refuse(r, undefined, error);
              continue;
            }
            entry = { state, lastOffset: -1, streamTime, progress: { ownTime: -Infinity, seenAt: receiveClock, watermark: -Infinity } };
            keys.set(key, entry);
          }
          // Active again: out of the idle set, to the young end of its active order.
          idleDue.delete(key);
          const p = entry.progress;
          touchActive(key, receiveClock, Math.max(p.ownTime, progressTime));
          keyWatermark = p.watermark;
          try {
            processor.apply(key, entry.state, r, ctx);
          } catch (error) {
            refuse(r, entry, error);
            entry.lastOffset = record.offset;
            dirty.add(key); // apply may have changed the state before it threw
            continue;
          }
          p.ownTime = Math.max(p.ownTime, progressTime);
          p.seenAt = receiveClock;
          p.watermark = Math.max(p.watermark, p.ownTime - lateness);
          entry.lastOffset = record.offset;
          entry.streamTime = Math.max(streamTime, progressTime);
          dirty.add(key);
          const next = processor.nextDue(entry.state);
          if (next !== null && next <= p.watermark) advance(key, entry);
          applied = true;
        }
        if (applied) appliedCount += 1;
        else if (replayed) skipped += 1;
        if (progressTime > streamTime) streamTime = progressTime;
        sweep();
      }
      return { events, late, refused, skipped, duplicates: duplicateCount, applied: appliedCount };
    },
    takeDirty() {
      const out = [...dirty].map((key) => ({ key, entry: keys.get(key)! as KeyState<S> }));
      dirty.clear();
      return out;
    },
    size: () => keys.size,
  };
}
