import type { QuestdbPool } from '../../core/questdb/questdb-sql';

/**
 * Clean recomputations of the processors' outputs from the raw readings stored in QuestDB,
 * compared with what the processors wrote. The raw readings are the ground truth once they
 * are known to be complete and undoubled (checked separately).
 */

export interface SlidingWindow {
  name: string;
  sizeMs: number;
  hopMs: number;
}

export interface OutputDiff {
  /** Rows the recomputation expects, and rows found. */
  expected: number;
  actual: number;
  /** Keys expected but not written, written but not expected, and written with other figures. */
  missing: string[];
  extra: string[];
  differing: string[];
}

interface Figures {
  count: number;
  sum: number;
  min: number;
  max: number;
}

const meterLike = 'meter_id::string LIKE $1';
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function add(into: Figures | undefined, f: Figures): Figures {
  return into ? { count: into.count + f.count, sum: into.sum + f.sum, min: Math.min(into.min, f.min), max: Math.max(into.max, f.max) } : { ...f };
}

function compare(expected: Map<string, Figures>, actual: Map<string, Figures>, withMinMax: boolean): OutputDiff {
  const missing: string[] = [];
  const differing: string[] = [];
  for (const [key, e] of expected) {
    const a = actual.get(key);
    if (!a) missing.push(key);
    else if (a.count !== e.count || !close(a.sum, e.sum) || (withMinMax && (!close(a.min, e.min) || !close(a.max, e.max)))) {
      differing.push(`${key}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
    }
  }
  const extra = [...actual.keys()].filter((key) => !expected.has(key));
  return { expected: expected.size, actual: actual.size, missing, extra, differing };
}

/**
 * Per-meter sliding windows of the rolling-averages processor (rolling_averages), for meters
 * whose id starts with `prefix-`. Keys: `meter|window|end`. A window ending at E holds the
 * readings in [E - size, E); ends are whole hops; a window with no reading is not written, and
 * neither is one that holds the readings of the window one hop earlier (none in [E - hop, E),
 * none in [E - hop - size, E - size)), except for the longest window, written at every end
 * with a reading (docs/processors.md). `windows`: all the processors' windows, as configured.
 */
export async function rollingAveragesDiff(questdb: QuestdbPool, prefix: string, windows: readonly SlidingWindow[]): Promise<OutputDiff> {
  const longest = windows.reduce<SlidingWindow | undefined>((a, w) => (a && a.sizeMs >= w.sizeMs ? a : w), undefined);
  const { rows: raw } = await questdb.query<{ meter_id: string; ts: Date; value: number | null }>(`SELECT meter_id, ts, value FROM readings WHERE ${meterLike}`, [`${prefix}-%`]);
  const expected = new Map<string, Figures>();
  for (const spec of windows) {
    const buckets = new Map<string, Map<number, Figures>>();
    for (const r of raw) {
      if (r.value === null) continue;
      let perMeter = buckets.get(r.meter_id);
      if (!perMeter) buckets.set(r.meter_id, (perMeter = new Map()));
      const start = Math.floor(r.ts.getTime() / spec.hopMs) * spec.hopMs;
      perMeter.set(start, add(perMeter.get(start), { count: 1, sum: r.value, min: r.value, max: r.value }));
    }
    for (const [meter, perMeter] of buckets) {
      const ends = new Set<number>();
      for (const start of perMeter.keys()) for (let end = start + spec.hopMs; end <= start + spec.sizeMs; end += spec.hopMs) ends.add(end);
      for (const end of ends) {
        let w: Figures | undefined;
        for (let s = end - spec.sizeMs; s < end; s += spec.hopMs) {
          const b = perMeter.get(s);
          if (b) w = add(w, b);
        }
        const changed = perMeter.has(end - spec.hopMs) || perMeter.has(end - spec.hopMs - spec.sizeMs);
        if (w && (changed || spec === longest)) expected.set(`${meter}|${spec.name}|${end}`, w);
      }
    }
  }
  const { rows: out } = await questdb.query<{ meter_id: string; window_size: string; ts: Date; count: string; sum: number; min: number; max: number }>(
    `SELECT meter_id, window_size, ts, count, sum, min, max FROM rolling_averages WHERE ${meterLike}`,
    [`${prefix}-%`],
  );
  const actual = new Map<string, Figures>();
  for (const r of out) {
    if (!windows.some((w) => w.name === r.window_size)) continue;
    actual.set(`${r.meter_id}|${r.window_size}|${r.ts.getTime()}`, { count: Number(r.count), sum: r.sum, min: r.min, max: r.max });
  }
  return compare(expected, actual, true);
}

/**
 * Per-sector tumbling buckets of the rolling-averages processor (rollups, summed over the
 * input partitions), for the sectors of meters `prefix-*` in event time [from, to): only
 * those meters may report into those sectors in that time. Keys: `sector|bucket|start`.
 */
export async function sectorRollupsDiff(questdb: QuestdbPool, prefix: string, from: number, to: number, buckets: readonly { name: string; sampleBy: string }[]): Promise<OutputDiff> {
  const expected = new Map<string, Figures>();
  const actual = new Map<string, Figures>();
  const range = [`${prefix}-%`, new Date(from), new Date(to)];
  for (const bucket of buckets) {
    const { rows: e } = await questdb.query<{ ts: Date; sector: string; c: string; s: number; mn: number; mx: number }>(
      `SELECT ts, sector, count() c, sum(value) s, min(value) mn, max(value) mx FROM readings
        WHERE ${meterLike} AND ts >= $2 AND ts < $3 AND value IS NOT NULL AND sector IS NOT NULL
        SAMPLE BY ${bucket.sampleBy} ALIGN TO CALENDAR`,
      range,
    );
    for (const r of e) expected.set(`${r.sector}|${bucket.name}|${r.ts.getTime()}`, { count: Number(r.c), sum: r.s, min: r.mn, max: r.mx });
    const sectors = [...new Set(e.map((r) => r.sector))];
    if (sectors.length === 0) continue;
    const { rows: a } = await questdb.query<{ ts: Date; scope_id: string; c: string; s: number; mn: number; mx: number }>(
      `SELECT ts, scope_id, sum(count) c, sum(sum) s, min(min) mn, max(max) mx FROM rollups
        WHERE scope = 'sector' AND bucket = $1 AND ts >= $2 AND ts < $3 AND scope_id IN (${sectors.map((_, i) => `$${i + 4}`).join(', ')})
        GROUP BY ts, scope_id`,
      [bucket.name, new Date(from), new Date(to), ...sectors],
    );
    for (const r of a) actual.set(`${r.scope_id}|${bucket.name}|${r.ts.getTime()}`, { count: Number(r.c), sum: r.s, min: r.mn, max: r.mx });
  }
  return compare(expected, actual, true);
}
