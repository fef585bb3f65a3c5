import type { Reading } from '../../core/contracts';
import type { KeyedProcessor, OutputRow, ProcessorContext } from './keyed-processor';

export interface KeyState<S> {
  state: S;
  /** Offset of the last reading applied to this key; a replayed reading at or below it is skipped. */
  lastOffset: number;
  /** The partition's stream time after that reading, so a restored task resumes its watermark. */
  streamTime: number;
}

export interface LateReading {
  reading: Reading;
  offset: number;
  detail: string;
  watermark: number;
}

export interface PartitionTask<S> {
  readonly partition: number;
  readonly streamTime: number;
  readonly watermark: number;
  /**
   * Applies readings in offset order; returns what they produced. `skipped` counts readings
   * every key of which had already applied them (a replay); readings that concern no key of
   * this processor (e.g. no register, for billing) are not counted.
   */
  process(records: { offset: number; reading: Reading }[]): { rows: OutputRow[]; late: LateReading[]; skipped: number; applied: number };
  /** Keys changed since the last call, with their state, for the checkpoint. */
  takeDirty(): { key: string; entry: KeyState<S> }[];
  /** Number of keys held. */
  size(): number;
}

/**
 * One input partition's share of a processor: per-key state, stream time and watermark.
 * After every reading, keys whose next window end the watermark has reached are advanced,
 * so results depend only on the record order, not on how records were batched.
 */
export function createPartitionTask<S>(
  processor: KeyedProcessor<S>,
  options: { partition: number; allowedLatenessMs: number; restored?: { entries: { key: string; entry: KeyState<S> }[] } },
): PartitionTask<S> {
  const keys = new Map<string, KeyState<S>>();
  const due = new Map<string, number>();
  const dirty = new Set<string>();
  let streamTime = -Infinity;
  for (const { key, entry } of options.restored?.entries ?? []) {
    keys.set(key, entry);
    const next = processor.nextDue(entry.state);
    if (next !== null) due.set(key, next);
    streamTime = Math.max(streamTime, entry.streamTime);
  }
  let minDue = Math.min(Infinity, ...due.values());

  const watermark = () => streamTime - options.allowedLatenessMs;
  const schedule = (key: string, state: S) => {
    const next = processor.nextDue(state);
    if (next === null) due.delete(key);
    else {
      due.set(key, next);
      if (next < minDue) minDue = next;
    }
  };

  return {
    partition: options.partition,
    get streamTime() {
      return streamTime;
    },
    get watermark() {
      return watermark();
    },
    process(records) {
      const rows: OutputRow[] = [];
      const late: LateReading[] = [];
      let skipped = 0;
      let appliedCount = 0;
      let current: { offset: number; reading: Reading } | null = null;
      const ctx: ProcessorContext = {
        partition: options.partition,
        get watermark() {
          return watermark();
        },
        emit: (row) => rows.push(row),
        late: (reading, detail) => late.push({ reading, offset: current?.offset ?? -1, detail, watermark: watermark() }),
      };
      const fire = () => {
        const wm = watermark();
        if (wm < minDue) return;
        minDue = Infinity;
        for (const [key, at] of [...due]) {
          if (at <= wm) {
            const entry = keys.get(key)!;
            processor.advance(key, entry.state, ctx);
            dirty.add(key);
            schedule(key, entry.state);
          } else if (at < minDue) minDue = at;
        }
      };
      for (const record of records) {
        current = record;
        let applied = false;
        let replayed = false;
        for (const key of processor.keysOf(record.reading)) {
          let entry = keys.get(key);
          if (entry && entry.lastOffset >= record.offset) {
            replayed = true;
            continue;
          }
          if (!entry) keys.set(key, (entry = { state: processor.init(key, record.reading), lastOffset: -1, streamTime }));
          processor.apply(key, entry.state, record.reading, ctx);
          entry.lastOffset = record.offset;
          entry.streamTime = Math.max(streamTime, record.reading.ts);
          dirty.add(key);
          schedule(key, entry.state);
          applied = true;
        }
        if (applied) appliedCount += 1;
        else if (replayed) skipped += 1;
        if (record.reading.ts > streamTime) streamTime = record.reading.ts;
        fire();
      }
      return { rows, late, skipped, applied: appliedCount };
    },
    takeDirty() {
      const out = [...dirty].map((key) => ({ key, entry: keys.get(key)! }));
      dirty.clear();
      return out;
    },
    size: () => keys.size,
  };
}
