import type { Reading } from '../../../../core/contracts';
import { createRollingAverages } from '../../../../processors/rolling-averages/rolling-averages';
import { parseSlidingWindows, parseTumblingWindows } from '../../../../processors/rolling-averages/window-specs';
import type { KeyedProcessor, OutputRow } from '../../../../processors/runtime/keyed-processor';
import { createPartitionTask, type KeyState } from '../../../../processors/runtime/partition-task';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const min = 60_000;
const reading = (meterId: string, minute: number, value: number | null, extra: Partial<Reading> = {}): Reading => ({
  meterId,
  kind: 'water',
  ts: T0 + minute * min,
  value,
  valueUnit: 'L/min',
  register: null,
  registerUnit: 'L',
  seq: null,
  sector: 's1',
  receivedAt: T0 + minute * min,
  ...extra,
});
const windows = (rows: OutputRow[], window: string) =>
  rows
    .filter((r) => r.table === 'rolling_averages' && r.symbols.window_size === window)
    .map((r) => ({ end: (r.ts - T0) / min, count: r.values.count, sum: r.values.sum, mean: r.values.mean, min: r.values.min, max: r.values.max }));
const only15m = createRollingAverages({ sliding: parseSlidingWindows('15m/5m'), tumbling: [], timeZone: 'UTC' });
const series = [reading('m1', 1, 2), reading('m1', 4, 4), reading('m1', 6, 6), reading('m1', 12, 8), reading('m1', 16, 10), reading('m1', 40, 0)];

describe('rolling averages (sliding windows per meter)', () => {
  it('emits each 15-min window every 5 min when the watermark passes its end (worked by hand)', () => {
    const driver = createTestDriver(only15m, { allowedLatenessMs: 0 });
    driver.pipe(...series);
    // 5-min buckets: [0,5) {2,4}  [5,10) {6}  [10,15) {8}  [15,20) {10}  [40,45) {0}; watermark = 40.
    // Windows [end-15, end) for end = 5, 10, …; the empty ones (35, 40) are not emitted.
    expect(windows(driver.rows, '15m')).toEqual([
      { end: 5, count: 2, sum: 6, mean: 3, min: 2, max: 4 },
      { end: 10, count: 3, sum: 12, mean: 4, min: 2, max: 6 },
      { end: 15, count: 4, sum: 20, mean: 5, min: 2, max: 8 },
      { end: 20, count: 3, sum: 24, mean: 8, min: 6, max: 10 },
      { end: 25, count: 2, sum: 18, mean: 9, min: 8, max: 10 },
      { end: 30, count: 1, sum: 10, mean: 10, min: 10, max: 10 },
    ]);
    expect(driver.late).toEqual([]);
  });

  it('gives the same results for out-of-order input within the allowed lateness', () => {
    const sorted = createTestDriver(only15m, { allowedLatenessMs: 5 * min });
    sorted.pipe(...series);
    const shuffled = createTestDriver(only15m, { allowedLatenessMs: 5 * min });
    shuffled.pipe(series[1]!, series[0]!, series[3]!, series[2]!, series[4]!, series[5]!);
    expect(windows(shuffled.rows, '15m')).toEqual(windows(sorted.rows, '15m'));
    expect(windows(sorted.rows, '15m')).toHaveLength(6); // watermark 35: windows ending 5 … 30 (35 is empty)
  });

  it('reports a reading beyond the lateness as late, and never changes an emitted window', () => {
    const driver = createTestDriver(only15m, { allowedLatenessMs: 0 });
    driver.pipe(...series, reading('m1', 14, 100));
    expect(driver.late).toHaveLength(1);
    expect(driver.late[0]!.detail).toMatch(/15m/);
    expect(windows(driver.rows, '15m').map((w) => w.end)).toEqual([5, 10, 15, 20, 25, 30]);
  });

  it('counts a late reading in windows still open', () => {
    const driver = createTestDriver(only15m, { allowedLatenessMs: 0 });
    driver.pipe(reading('m1', 1, 2), reading('m1', 11, 4), reading('m1', 7, 6));
    // Watermark 11: windows ending 5 {2} and 10 {2} are out; 7 is late for the one ending at 10,
    // but windows ending 15 and 20 still contain its bucket [5,10).
    driver.pipe(reading('m1', 30, 0));
    expect(driver.late).toHaveLength(1);
    expect(windows(driver.rows, '15m')).toEqual([
      { end: 5, count: 1, sum: 2, mean: 2, min: 2, max: 2 },
      { end: 10, count: 1, sum: 2, mean: 2, min: 2, max: 2 },
      { end: 15, count: 3, sum: 12, mean: 4, min: 2, max: 6 },
      { end: 20, count: 2, sum: 10, mean: 5, min: 4, max: 6 },
      { end: 25, count: 1, sum: 4, mean: 4, min: 4, max: 4 },
    ]);
  });

  it('derives the rate from register deltas when a meter reports no value', () => {
    const driver = createTestDriver(only15m, { allowedLatenessMs: 0 });
    // 100 L at minute 0, 160 L at minute 10 → 6 L/min, counted at minute 10's bucket.
    driver.pipe(reading('r1', 0, null, { register: 100 }), reading('r1', 10, null, { register: 160 }), reading('r1', 30, null, { register: 160 }));
    expect(windows(driver.rows, '15m')[0]).toEqual({ end: 15, count: 1, sum: 6, mean: 6, min: 6, max: 6 });
  });
});

describe('which sliding windows are written: those whose readings changed, and the longest at every end', () => {
  // Independent of the processor: each window end's readings taken straight from the list.
  interface Figures {
    count: number;
    sum: number;
    min: number;
    max: number;
  }
  const figuresOf = (values: number[]): Figures | null =>
    values.length === 0 ? null : { count: values.length, sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values) };
  const inRange = (rs: Reading[], from: number, to: number) => rs.filter((r) => r.ts >= T0 + from * min && r.ts < T0 + to * min);
  const written = (rows: OutputRow[], window: string) => windows(rows, window).map(({ end, count, sum, min: lo, max: hi }) => ({ end, count, sum, min: lo, max: hi }));
  /** Minutes of every window end from the first reading's first window to `lastEnd`. */
  const endsUpTo = (rs: Reading[], size: number, hop: number, lastEnd: number) => {
    const first = Math.floor((Math.min(...rs.map((r) => r.ts)) - T0) / (hop * min)) * hop + hop;
    const ends: number[] = [];
    for (let end = first; end <= lastEnd; end += hop) ends.push(end);
    return ends;
  };
  const p = createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m,3h/1h'), tumbling: [], timeZone: 'UTC' });
  // An hourly meter at irregular minutes with a 5-hour gap, then a dense stretch (every 2 min) with
  // a 40-min hole, then hourly again: windows repeat on the sparse parts, never on the dense one.
  const minutes = [7, 68, 125, 190, 250, 560, 619, 680, 682, 684, 686, 688, 690, 692, 694, 734, 736, 738, 740, 800, 861, 1200];
  const values = minutes.map((m, i) => (i * 7) % 5);
  const meter = minutes.map((m, i) => reading('h1', m, values[i]!));
  const lastEnd = 1200; // lateness 0: the last reading's own time is the watermark

  it.each([
    ['15m', 15, 5],
    ['1h', 60, 15],
  ])('%s: a window is written iff it holds a reading and one entered it in its last hop or left it since the previous end', (name, size, hop) => {
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    driver.pipe(...meter);
    const expected = endsUpTo(meter, size, hop, lastEnd).flatMap((end) => {
      const figures = figuresOf(inRange(meter, end - size, end).map((r) => r.value!));
      const entered = inRange(meter, end - hop, end).length > 0;
      const left = inRange(meter, end - hop - size, end - size).length > 0;
      return figures && (entered || left) ? [{ end, ...figures }] : [];
    });
    expect(written(driver.rows, name)).toEqual(expected);
    // Sparse meter: most windows repeat (a 15-min window every 5 min holds an hourly reading 3 times).
    const nonEmpty = endsUpTo(meter, size, hop, lastEnd).filter((end) => inRange(meter, end - size, end).length > 0);
    expect(expected.length).toBeLessThan(nonEmpty.length);
  });

  it.each([
    ['15m', 15, 5],
    ['1h', 60, 15],
  ])('%s: a window end without a row holds no reading or exactly the figures of the latest row before it', (name, size, hop) => {
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    driver.pipe(...meter);
    const rows = written(driver.rows, name);
    let checked = 0;
    for (const end of endsUpTo(meter, size, hop, lastEnd)) {
      const figures = figuresOf(inRange(meter, end - size, end).map((r) => r.value!));
      if (!figures || rows.some((r) => r.end === end)) continue;
      const latest = rows.filter((r) => r.end < end).at(-1)!;
      expect({ end, count: latest.count, sum: latest.sum, min: latest.min, max: latest.max }).toEqual({ end, ...figures });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('the longest window is written at every end that holds a reading, changed or not (group comparison reads every end)', () => {
    // A reading every 4 to 7 hours: each one is in three 3-h windows, two of them repeats.
    const sparse = [7, 250, 560, 800, 1200].map((m, i) => reading('s1', m, i + 1));
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    driver.pipe(...sparse);
    const expected = endsUpTo(sparse, 180, 60, 1200).flatMap((end) => {
      const figures = figuresOf(inRange(sparse, end - 180, end).map((r) => r.value!));
      return figures ? [{ end, ...figures }] : [];
    });
    expect(written(driver.rows, '3h')).toEqual(expected);
    expect(expected).toHaveLength(12); // 4 readings before the last × 3 windows each
  });

  it('a dense meter (a reading every minute) gets every window as before', () => {
    const dense = Array.from({ length: 120 }, (_, i) => reading('d1', i, (i * 3) % 7));
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    driver.pipe(...dense);
    // Windows ending 5 … 115 (the watermark, 119, has not passed 120): all hold readings, all written.
    expect(written(driver.rows, '15m').map((w) => w.end)).toEqual(Array.from({ length: 23 }, (_, i) => 5 + i * 5));
  });

  it('restored from a checkpoint of an earlier release (buckets as an object, no `changed`), it goes on as the clean run, writing the first window it closes', () => {
    const withRollups = createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m,3h/1h'), tumbling: parseTumblingWindows('1m,1h'), timeZone: 'UTC' });
    const series3 = [reading('m1', 7, 3), reading('m1', 17, 5), reading('m1', 40, 0)];
    const clean = createTestDriver(withRollups, { allowedLatenessMs: 5 * min });
    clean.pipe(...series3);
    // Watermark 35: 10 {7} written; 15 = [0, 15) repeats it; 20 {7, 17} and 25 {17} changed; 30 repeats 25.
    expect(written(clean.rows, '15m')).toEqual([
      { end: 10, count: 1, sum: 3, min: 3, max: 3 },
      { end: 20, count: 2, sum: 8, min: 3, max: 5 },
      { end: 25, count: 1, sum: 5, min: 5, max: 5 },
    ]);
    const first = createTestDriver(withRollups, { allowedLatenessMs: 5 * min });
    first.pipe(...series3.slice(0, 2)); // watermark 12: window 10 closed, 15 not yet
    // The earlier release's state: start (string key) → [count, sum, min, max], the earliest start in `first`, no `changed`.
    type Now = { buckets: [number, number, number, number, number][]; closedEnd: number | null; changed?: boolean };
    const legacy = (b: Now) => ({ closedEnd: b.closedEnd, first: b.buckets[0]?.[0] ?? null, buckets: Object.fromEntries(b.buckets.map(([start, ...agg]) => [String(start), agg])) });
    const entries = first.task.takeDirty().map(({ key, entry }) => {
      const now = JSON.parse(JSON.stringify(entry)) as KeyState<{ sliding?: Record<string, Now>; tumbling?: Record<string, Now> }>;
      const state = now.state as Record<string, unknown>;
      for (const kind of ['sliding', 'tumbling'] as const) {
        const windows = now.state[kind];
        if (windows) state[kind] = Object.fromEntries(Object.entries(windows).map(([name, b]) => [name, legacy(b)]));
      }
      return { key, entry: now as KeyState<unknown> };
    });
    expect(JSON.stringify(entries)).toContain('"first":'); // really the old shape
    const task = createPartitionTask(withRollups as KeyedProcessor<unknown>, { partition: 0, allowedLatenessMs: 5 * min, restored: { entries } });
    const rows = task.process([{ offset: 2, reading: series3[2]! }]).events.flatMap((e) => e.rows);
    // Not knowing whether 15 repeats 10, the restored task writes it (figures as 10's); then as the clean run.
    expect(written(rows, '15m')).toEqual([{ end: 15, count: 1, sum: 3, min: 3, max: 3 }, ...written(clean.rows, '15m').slice(1)]);
    for (const window of ['1h', '3h']) expect(written(rows, window)).toEqual(written(clean.rows, window).filter((w) => w.end > 12));
    const rollups = (rs: OutputRow[]) => rs.filter((r) => r.table === 'rollups').map((r) => JSON.stringify([r.ts, r.symbols, r.values]));
    expect(rollups(rows)).toEqual(rollups(clean.rows).slice(rollups(first.rows).length));
    expect(rollups(rows).length).toBeGreaterThan(0);
  });

  it('writes the window after a late reading joined the closed one, even if nothing entered or left (worked by hand)', () => {
    const two = createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m'), tumbling: [], timeZone: 'UTC' });
    const driver = createTestDriver(two, { allowedLatenessMs: 5 * min });
    // Watermark 11 after the reading at 16: window 5 {1: 2} written, window 10 repeats it (not written).
    driver.pipe(reading('m1', 1, 2), reading('m1', 16, 4));
    // 7 is late for window 10 (closed) but counts in window 15 = [0, 15) = {1: 2, 7: 6}: its newest
    // hop [10, 15) is empty and no bucket left, yet it is not the readings of the row before it.
    driver.pipe(reading('m1', 7, 6));
    driver.pipe(reading('m1', 31, 0));
    expect(driver.late.map((l) => l.detail)).toEqual(['rolling windows 15m already closed']);
    // Watermark 26: 15 {2, 6}; 20 = [5, 20) {6, 4} (16 entered); 25 = [10, 25) {4} (7 left).
    expect(written(driver.rows, '15m')).toEqual([
      { end: 5, count: 1, sum: 2, min: 2, max: 2 },
      { end: 15, count: 2, sum: 8, min: 2, max: 6 },
      { end: 20, count: 2, sum: 10, min: 4, max: 6 },
      { end: 25, count: 1, sum: 4, min: 4, max: 4 },
    ]);
  });
});

describe('rollups (tumbling per sector and fleet)', () => {
  const rollups = (rows: OutputRow[], bucket: string) =>
    rows
      .filter((r) => r.table === 'rollups' && r.symbols.bucket === bucket)
      .map((r) => ({ scope: `${r.symbols.scope}:${r.symbols.scope_id}`, start: r.ts, count: r.values.count, sum: r.values.sum, min: r.values.min, max: r.values.max }));

  it('aggregates 1-minute buckets per sector and for the fleet', () => {
    const p = createRollingAverages({ sliding: [], tumbling: parseTumblingWindows('1m'), timeZone: 'UTC' });
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    driver.pipe(reading('a', 0, 1), reading('b', 0.5, 3, { sector: 's2' }), reading('c', 0.75, 5), reading('a', 1.5, 7), reading('a', 3, 0));
    // Minute 0: s1 {1,5}, s2 {3}, fleet {1,3,5}. Minute 1: s1 {7}, fleet {7}. s1 and the fleet close
    // on their own progress (3); s2, silent since 0.5 (idle after 1 min of receive time), closes
    // last, on the partition's watermark (3).
    expect(rollups(driver.rows, '1m')).toEqual([
      { scope: 'sector:s1', start: T0, count: 2, sum: 6, min: 1, max: 5 },
      { scope: 'fleet:all', start: T0, count: 3, sum: 9, min: 1, max: 5 },
      { scope: 'sector:s1', start: T0 + min, count: 1, sum: 7, min: 7, max: 7 },
      { scope: 'fleet:all', start: T0 + min, count: 1, sum: 7, min: 7, max: 7 },
      { scope: 'sector:s2', start: T0, count: 1, sum: 3, min: 3, max: 3 },
    ]);
  });

  it('cuts 1-day buckets at local midnight of the configured zone', () => {
    const p = createRollingAverages({ sliding: [], tumbling: parseTumblingWindows('1d'), timeZone: 'America/Sao_Paulo' });
    const driver = createTestDriver(p, { allowedLatenessMs: 0 });
    // 02:00Z is 23:00 on 30 April in São Paulo (UTC-3); 04:00Z is 01:00 on 1 May.
    driver.pipe(reading('a', 120, 1), reading('a', 240, 2), reading('a', 60 * 30, 0));
    expect(rollups(driver.rows, '1d').filter((r) => r.scope === 'fleet:all')).toEqual([
      { scope: 'fleet:all', start: Date.parse('2026-04-30T03:00:00Z'), count: 1, sum: 1, min: 1, max: 1 },
      { scope: 'fleet:all', start: Date.parse('2026-05-01T03:00:00Z'), count: 1, sum: 2, min: 2, max: 2 },
    ]);
  });
});

describe('runtime: crash, restore, replay', () => {
  const p = createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m'), tumbling: parseTumblingWindows('1m,1h'), timeZone: 'UTC' });
  const fleet: Reading[] = [];
  for (let i = 0; i < 300; i += 1) fleet.push(reading(`m${i % 7}`, i * 0.7, (i * 37) % 11, { sector: `s${i % 3}` }));
  const keyOf = (r: OutputRow) => JSON.stringify([r.table, r.ts, r.symbols]);
  const asTable = (rows: OutputRow[]) => new Map(rows.map((r) => [keyOf(r), r.values]));

  it('a restart from the last checkpoint, replaying the uncommitted records, yields the same table as an uninterrupted run', () => {
    const clean = createTestDriver(p, { allowedLatenessMs: 2 * min });
    clean.pipe(...fleet);

    const crashed = createTestDriver(p, { allowedLatenessMs: 2 * min });
    crashed.pipe(...fleet.slice(0, 120));
    crashed.checkpoint(); // state durable up to offset 119...
    crashed.pipe(...fleet.slice(120, 200)); // ...these outputs were written, but their state and offsets were not
    crashed.restartFromCheckpoint(99); // ...and the group commit lags the checkpoint: 100-119 are skipped per key
    crashed.pipe(...fleet.slice(200));
    // Rows keyed like QuestDB's DEDUP keys: re-emitted rows must carry the same values.
    const table = asTable(crashed.rows);
    expect(table).toEqual(asTable(clean.rows));
    expect(crashed.rows.length).toBeGreaterThan(clean.rows.length); // the replay did re-emit rows
    for (const row of crashed.rows) expect(row.values).toEqual(table.get(keyOf(row)));
  });

  it('a replay of records already applied changes nothing', () => {
    const driver = createTestDriver(p, { allowedLatenessMs: 2 * min });
    driver.pipe(...fleet);
    const before = driver.rows.length;
    driver.replayFrom(0);
    expect(driver.rows.length).toBe(before);
    expect(driver.late).toEqual([]);
  });
});
