import type { Reading } from '../../core/contracts';
import type { KeyedProcessor, ProcessorContext } from '../runtime/keyed-processor';
import { startOfLocalDay } from '../../core/time/local-time';
import { addToBuckets, bucketsFromLegacy, type Bucket, type LegacyBuckets } from './bucket-list';
import { longestWindow, type SlidingWindowSpec, type TumblingWindowSpec } from './window-specs';

export interface RollingAveragesOptions {
  /** Per meter, sliding (hopping) windows of the instantaneous rate. */
  sliding: SlidingWindowSpec[];
  /** Per sector and for the fleet, tumbling buckets. */
  tumbling: TumblingWindowSpec[];
  /** Time zone of the 1-day buckets. */
  timeZone: string;
}

/**
 * The buckets, in ascending start order; `closedEnd` = end of the last window closed.
 * Bound per key and window spec: buckets before `closedEnd + hop − size` are dropped when a
 * window closes, readings before `closedEnd` add none, and the key's watermark trails its own
 * progress by the lateness while a reading is at most MF_READING_MAX_FUTURE_MS ahead of it, so
 * at most (size + lateness + max future) / hop + 2 buckets: 26 for 24 h/1 h, 6 for 15 min/5 min
 * (tumbling: (lateness + max future) / size + 2, e.g. 14 one-minute buckets), of 5 numbers each.
 */
interface Buckets {
  /** In a checkpoint of an earlier release, LegacyBuckets (and a `first`), converted when first used. */
  buckets: Bucket[];
  closedEnd: number | null;
  /**
   * Sliding windows: whether the next window to close differs from the last one closed even if
   * no reading enters it, because a reading leaves it (a bucket dropped when that window closed
   * held one) or a late reading was added to a bucket of the closed window. Absent in
   * checkpoints of earlier releases: taken as true (the next window is written).
   */
  changed?: boolean;
}

interface MeterState {
  kind: 'meter';
  sector: string | null;
  /** Last register seen in event-time order, to derive a rate when a reading has no value. */
  lastRegister: [ts: number, register: number] | null;
  sliding: Record<string, Buckets>;
}

interface GroupState {
  kind: 'group';
  tumbling: Record<string, Buckets>;
}

type State = MeterState | GroupState;

const meterKey = (id: string) => `meter:${id}`;
const sectorKey = (id: string) => `sector:${id}`;
const fleetKey = 'fleet';

/**
 * Rolling averages of the instantaneous rate (flow L/min, power kW, °C…):
 * - per meter, sliding windows (default 15 min every 5 min, 1 h every 15 min, 24 h every
 *   hour), held as hop-sized buckets, emitted when the watermark passes a window's end if it
 *   holds a reading and its readings are not those of the window one hop earlier (a reading
 *   entered or left it since). A window that repeats the previous one is not emitted: on an
 *   hourly meter a 15-min window every 5 min would repeat each reading 3 times, and those
 *   repeats were most of the processors' output on history. The longest window is the
 *   exception, emitted at every end that holds a reading: group comparison compares every
 *   meter of a group at each of its ends (docs/processors.md, "Which windows are written");
 * - per sector and for the fleet, tumbling buckets (1 min, 1 h, 1 local day), emitted when
 *   the watermark passes their end. These are partial per input partition (meters of one
 *   sector spread over partitions); the `rollups` table keeps the partition in its key and
 *   readers sum over it (count and sum add up, min of mins, max of maxes).
 * Rows: rolling_averages (ts = window end) and rollups (ts = bucket start). A reading that
 * comes after a window it belongs to was closed is reported late; it still counts in the
 * windows that are open.
 */
export function createRollingAverages(options: RollingAveragesOptions): KeyedProcessor<State> {
  const rateOf = (state: MeterState, r: Reading): number | null => {
    if (r.value !== null) return r.value;
    if (r.register === null || !state.lastRegister) return null;
    const [ts, register] = state.lastRegister;
    if (r.ts <= ts || r.register < register) return null;
    // A register-only meter: the mean rate since its previous reading, per minute (L/min from L).
    return ((r.register - register) / (r.ts - ts)) * 60_000;
  };

  const slidingEnd = (spec: SlidingWindowSpec, b: Buckets): number | null => {
    const first = listOf(b)[0];
    if (!first) return null;
    const firstPossible = first[0] + spec.hopMs;
    return b.closedEnd === null ? firstPossible : Math.max(b.closedEnd + spec.hopMs, firstPossible);
  };

  const tumblingStart = (spec: TumblingWindowSpec, ts: number) => (spec.size === 'local-day' ? startOfLocalDay(ts, options.timeZone) : Math.floor(ts / spec.size) * spec.size);
  const tumblingEnd = (spec: TumblingWindowSpec, start: number) =>
    spec.size === 'local-day' ? startOfLocalDay(start + 36 * 3_600_000, options.timeZone) : start + spec.size;

  /** Written at every end that holds a reading; the other sliding windows only when they changed. */
  const everyEnd = longestWindow(options.sliding);

  const applyMeter = (state: MeterState, r: Reading, ctx: ProcessorContext) => {
    if (r.sector !== null) state.sector = r.sector;
    const rate = rateOf(state, r);
    if (r.register !== null && (!state.lastRegister || r.ts > state.lastRegister[0])) state.lastRegister = [r.ts, r.register];
    if (rate === null) return;
    const lateFor: string[] = [];
    for (const spec of options.sliding) {
      const b = (state.sliding[spec.name] ??= { buckets: [], closedEnd: null, changed: false });
      const start = Math.floor(r.ts / spec.hopMs) * spec.hopMs;
      const late = b.closedEnd !== null && start + spec.hopMs <= b.closedEnd;
      if (late) lateFor.push(spec.name);
      // Still counted if a window not yet emitted contains it.
      if (b.closedEnd === null || start + spec.sizeMs > b.closedEnd) {
        addToBuckets(listOf(b), start, rate);
        // The next window then differs from the closed one, which did not count it.
        if (late) b.changed = true;
      }
    }
    // Closed, written or not (a repeat of the window before it is not written).
    if (lateFor.length > 0) ctx.late(r, `rolling windows ${lateFor.join(', ')} already closed`);
  };

  const applyGroup = (state: GroupState, r: Reading, ctx: ProcessorContext) => {
    if (r.value === null) return; // groups aggregate reported instantaneous values only
    const lateFor: string[] = [];
    for (const spec of options.tumbling) {
      const b = (state.tumbling[spec.name] ??= { buckets: [], closedEnd: null });
      const start = tumblingStart(spec, r.ts);
      if (b.closedEnd !== null && start < b.closedEnd) lateFor.push(spec.name);
      else addToBuckets(listOf(b), start, r.value);
    }
    if (lateFor.length > 0) ctx.late(r, `rollup buckets ${lateFor.join(', ')} already emitted`);
  };

  const advanceMeter = (meterId: string, state: MeterState, ctx: ProcessorContext) => {
    for (const spec of options.sliding) {
      const b = state.sliding[spec.name];
      if (!b) continue;
      const list = listOf(b);
      for (let end = slidingEnd(spec, b); end !== null && end <= ctx.watermark; end = slidingEnd(spec, b)) {
        const from = end - spec.sizeMs;
        const newest = end - spec.hopMs;
        // Later windows start at end + hop - size or later: older buckets are done after this one.
        const keepFrom = end + spec.hopMs - spec.sizeMs;
        // One pass over the (few) buckets, no intermediate arrays: this runs for every window of every meter.
        let count = 0;
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        let entered = false;
        let done = 0;
        for (let i = 0; i < list.length; i += 1) {
          const bucket = list[i]!;
          const start = bucket[0];
          if (start >= end) break;
          if (start >= from) {
            count += bucket[1];
            sum += bucket[2];
            if (bucket[3] < min) min = bucket[3];
            if (bucket[4] > max) max = bucket[4];
            if (start >= newest) entered = true;
          }
          if (start < keepFrom) done = i + 1;
        }
        // A bucket exists only with a reading: dropping one means the next window lost a reading.
        if (done > 0) list.splice(0, done);
        // Not the readings of the window one hop earlier: one entered, one left, or that window was
        // not closed (it held none: windows with readings close one hop after another).
        const changed = entered || b.changed !== false || b.closedEnd !== newest;
        b.changed = done > 0;
        if (count > 0 && (changed || spec === everyEnd)) {
          ctx.emit({ stream: 'window-results', result: { kind: 'rolling-average', value: { meterId, sector: state.sector, windowSize: spec.name, windowStart: from, windowEnd: end, count, sum, mean: sum / count, min, max } } });
        }
        b.closedEnd = end;
      }
    }
  };

  const advanceGroup = (scope: 'sector' | 'fleet', scopeId: string, state: GroupState, ctx: ProcessorContext) => {
    for (const spec of options.tumbling) {
      const b = state.tumbling[spec.name];
      if (!b) continue;
      const list = listOf(b);
      while (list.length > 0) {
        const [s, count, sum, min, max] = list[0]!;
        const end = tumblingEnd(spec, s);
        if (end > ctx.watermark) break;
        ctx.emit({ stream: 'window-results', result: { kind: 'rollup', value: { scope, scopeId, bucket: spec.name, bucketStart: s, bucketEnd: end, partition: ctx.partition, count, sum, mean: sum / count, min, max } } });
        list.shift();
        b.closedEnd = Math.max(b.closedEnd ?? end, end);
      }
    }
  };

  return {
    name: 'rolling-averages',
    keysOf: (r) => [meterKey(r.meterId), ...(r.sector !== null ? [sectorKey(r.sector)] : []), fleetKey],
    init: (key) => (key.startsWith('meter:') ? { kind: 'meter', sector: null, lastRegister: null, sliding: {} } : { kind: 'group', tumbling: {} }),
    apply: (_key, state, r, ctx) => (state.kind === 'meter' ? applyMeter(state, r, ctx) : applyGroup(state, r, ctx)),
    advance(key, state, ctx) {
      if (state.kind === 'meter') advanceMeter(key.slice('meter:'.length), state, ctx);
      else if (key === fleetKey) advanceGroup('fleet', 'all', state, ctx);
      else advanceGroup('sector', key.slice('sector:'.length), state, ctx);
    },
    nextDue(state) {
      let next = Infinity;
      if (state.kind === 'meter') {
        for (const spec of options.sliding) {
          const b = state.sliding[spec.name];
          const end = b ? slidingEnd(spec, b) : null;
          if (end !== null && end < next) next = end;
        }
      } else {
        for (const spec of options.tumbling) {
          const b = state.tumbling[spec.name];
          const first = b ? listOf(b)[0] : undefined;
          if (first) next = Math.min(next, tumblingEnd(spec, first[0]));
        }
      }
      return next === Infinity ? null : next;
    },
  };
}

/** A window's buckets; those of a checkpoint of an earlier release are converted once, here. */
function listOf(b: Buckets): Bucket[] {
  if (Array.isArray(b.buckets)) return b.buckets;
  const legacy = b as unknown as { buckets: LegacyBuckets; first?: unknown };
  delete legacy.first;
  return (b.buckets = bucketsFromLegacy(legacy.buckets));
}
