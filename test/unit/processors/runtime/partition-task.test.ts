import type { Reading } from '../../../../core/contracts';
import { createRollingAverages } from '../../../../processors/rolling-averages/rolling-averages';
import { parseSlidingWindows, parseTumblingWindows } from '../../../../processors/rolling-averages/window-specs';
import { createPartitionTask } from '../../../../processors/runtime/partition-task';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const s = 1000;
const min = 60 * s;
/** A reading at `at` (ms after T0), received at `received` (default: when it was measured). */
const reading = (meterId: string, at: number, value: number, extra: Partial<Reading> = {}): Reading => ({
  meterId,
  kind: 'water',
  ts: T0 + at,
  value,
  valueUnit: 'L/min',
  register: null,
  registerUnit: 'L',
  seq: null,
  sector: 's1',
  receivedAt: T0 + at,
  ...extra,
});
const processor = createRollingAverages({ sliding: parseSlidingWindows('15m/5m'), tumbling: parseTumblingWindows('1m'), timeZone: 'UTC' });
const lateness = 2 * min;

describe('partition task: one meter cannot make its partition late', () => {
  it('a meter 10 min fast, then another meter on the same partition at t…t+60 s: none of the second meter\'s readings is late', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: lateness });
    // Meter A's clock is 10 minutes ahead of the bridge's receive clock (accepted: up to +10 min).
    driver.pipe(reading('fast', 10 * min, 5, { receivedAt: T0 }));
    // Stream time moved with the receive clock (+ 30 s skew), not with A's clock.
    expect(driver.task.streamTime).toBe(T0 + 30 * s);
    for (let at = 0; at <= 60 * s; at += 10 * s) driver.pipe(reading('honest', at, 3, { receivedAt: T0 + at }));
    expect(driver.late).toEqual([]);
    // The honest meter's minute 0 was not cut short by A: its windows hold all 6 readings when they close.
    driver.pipe(reading('honest', 4 * min, 3));
    const minute0 = driver.rows.find((r) => r.table === 'rollups' && r.symbols.scope === 'sector' && r.ts === T0);
    expect(minute0?.values.count).toBe(6);
  });

  it('the fast meter cannot close the honest meter\'s or the sector\'s windows early (worked by hand)', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: lateness });
    driver.pipe(reading('honest', 0, 1), reading('fast', 20 * min, 9, { receivedAt: T0 + 30 * s }), reading('honest', 30 * s, 2));
    // On a shared stream time the watermark would be 18 min: the honest meter's 1-min bucket and
    // its 15-min window (both before 18 min) would be emitted with 1 reading and the second reading late.
    expect(driver.rows.filter((r) => r.table === 'rollups')).toEqual([]);
    expect(driver.late).toEqual([]);
    driver.pipe(reading('honest', 3 * min + 1, 0));
    // Own progress 3 min + 1 ms, watermark 1 min + 1 ms: minute 0 closes with both readings.
    const sector = driver.rows.filter((r) => r.table === 'rollups' && r.symbols.scope === 'sector');
    expect(sector.map((r) => [r.ts - T0, r.values.count, r.values.sum])).toEqual([[0, 2, 3]]);
  });

  it('a meter\'s history replayed hours behind the live meters on its partition is not late', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: lateness });
    const now = 10 * 60 * min; // live meters are at 10:00
    const records: Reading[] = [];
    for (let k = 0; k < 60; k += 1) {
      records.push(reading('live', now + k * 10 * s, 2));
      // The replayed meter's 00:00-01:00, sent now (received at the live time).
      records.push(reading('replayed', k * min, 4, { receivedAt: T0 + now + k * 10 * s, sector: 's9' }));
    }
    driver.pipe(...records);
    // Its own windows and its sector's accept it; only the partition's fleet buckets of 00:00-01:00,
    // emitted hours ago (in event time) by the live meters, cannot take it, and say so.
    const late = driver.late.filter((l) => l.reading.meterId === 'replayed');
    expect(new Set(late.map((l) => l.detail))).toEqual(new Set(['rollup buckets 1m already emitted']));
    expect(driver.rows.filter((r) => r.table === 'rollups' && r.symbols.scope_id === 's9').length).toBe(57);
    // Its own windows closed on its own progress: 15-min windows ending 00:05 … 00:55 (59 min - 2 min lateness).
    const ends = driver.rows.filter((r) => r.table === 'rolling_averages' && r.symbols.meter_id === 'replayed').map((r) => (r.ts - T0) / min);
    expect(ends).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
  });

  it('a genuinely late reading of the same meter is still late, and a silent meter\'s windows still close', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: lateness });
    driver.pipe(reading('a', 0, 1), reading('b', 0, 1), reading('a', 10 * min, 1), reading('a', 30 * s, 7));
    // Late for its meter's windows, its sector's and the fleet's buckets: one report per key.
    expect(driver.late.map((l) => [l.reading.meterId, l.reading.ts - T0])).toEqual([['a', 30 * s], ['a', 30 * s], ['a', 30 * s]]);
    // b said nothing after 0 and is idle (> 60 s of receive time): its 15-min window ending 5 min
    // closed on the partition's watermark (10 min - 2 min).
    const b = driver.rows.filter((r) => r.table === 'rolling_averages' && r.symbols.meter_id === 'b').map((r) => (r.ts - T0) / min);
    expect(b).toEqual([5]);
  });

  it('a meter\'s history that pauses (an import between files) keeps its own time; only a long silence hands it to the live watermark', () => {
    const now = 10 * 60 * min; // live meters are at 10:00, one reading every 10 s of receive time
    const run = (historyIdleMs: number) => {
      const driver = createTestDriver(processor, { allowedLatenessMs: lateness, historyIdleMs });
      let received = now;
      const live = (until: number) => {
        const records: Reading[] = [];
        for (; received < until; received += 10 * s) records.push(reading('live', received, 2));
        driver.pipe(...records);
      };
      const history = (fromMin: number, toMin: number) => {
        for (let m = fromMin; m < toMin; m += 1) driver.pipe(reading('replayed', m * min, 4, { receivedAt: T0 + received, sector: 's9' }));
      };
      history(0, 30); // first file: 00:00-00:29
      live(now + 10 * min); // 10 minutes of receive time pass before the second file
      history(30, 60); // second file: 00:30-00:59
      return driver;
    };
    const ownWindows = (driver: ReturnType<typeof run>) => driver.late.filter((l) => l.reading.meterId === 'replayed' && !l.detail.startsWith('rollup'));
    // Idle after an hour of receive time (the default): the second file continues the first, none late.
    const paused = run(3_600_000);
    expect(ownWindows(paused)).toEqual([]);
    expect(paused.rows.filter((r) => r.table === 'rolling_averages' && r.symbols.meter_id === 'replayed').map((r) => (r.ts - T0) / min)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    // Idle after keyIdleMs (60 s, as every key was before): the pause hands the meter to the live
    // watermark (09:58), its windows close, and the whole second file is late.
    expect(ownWindows(run(0))).toHaveLength(30);
    // A history meter that stays silent for longer than historyIdleMs is idle: its last window closes on the live watermark.
    const silent = run(3_600_000);
    const records: Reading[] = [];
    for (let k = 1; k <= 61 * 6; k += 1) records.push(reading('live', now + 10 * min + k * 10 * s, 2));
    silent.pipe(...records);
    expect(silent.rows.filter((r) => r.table === 'rolling_averages' && r.symbols.meter_id === 'replayed').map((r) => (r.ts - T0) / min)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70]);
  });

  it('a restored task keeps each key\'s progress: the same rows as an uninterrupted run', () => {
    const records: Reading[] = [];
    for (let k = 0; k < 200; k += 1) {
      records.push(reading(`m${k % 5}`, 5 * min + k * 20 * s, k % 7, { sector: `s${k % 2}` }));
      if (k % 3 === 0) records.push(reading('replayed', k * 20 * s, 3, { receivedAt: T0 + 5 * min + k * 20 * s, sector: 's9' }));
      if (k === 50) records.push(reading('fast', 60 * min, 1, { receivedAt: T0 + 5 * min + k * 20 * s }));
    }
    const clean = createTestDriver(processor, { allowedLatenessMs: lateness });
    clean.pipe(...records);
    const crashed = createTestDriver(processor, { allowedLatenessMs: lateness });
    crashed.pipe(...records.slice(0, 150));
    crashed.checkpoint();
    crashed.restartFromCheckpoint(149);
    crashed.pipe(...records.slice(150));
    const key = (r: { table: string; ts: number; symbols: Record<string, string> }) => JSON.stringify([r.table, r.ts, r.symbols]);
    expect(new Map(crashed.rows.map((r) => [key(r), r.values]))).toEqual(new Map(clean.rows.map((r) => [key(r), r.values])));
    expect(crashed.late).toEqual(clean.late);
    // Only the fleet's buckets refuse the replayed meter (see above); no meter's windows did.
    expect(clean.late.filter((l) => !l.detail.startsWith('rollup'))).toEqual([]);
  });

  it('options: a smaller skew clamps harder; checkpoints from before per-key progress still restore', () => {
    const task = createPartitionTask(processor, { partition: 0, allowedLatenessMs: lateness, maxClockSkewMs: 0 });
    task.process([{ offset: 0, reading: reading('fast', 10 * min, 1, { receivedAt: T0 }) }]);
    expect(task.streamTime).toBe(T0);
    const x = reading('x', 0, 1);
    const entries = processor.keysOf(x).map((key) => ({ key, entry: { state: processor.init(key, x), lastOffset: 3, streamTime: T0 } }));
    const old = createPartitionTask(processor, { partition: 0, allowedLatenessMs: lateness, restored: { entries } });
    expect(old.streamTime).toBe(T0);
    expect(old.process([{ offset: 3, reading: x }]).skipped).toBe(1);
    expect(old.takeDirty()).toEqual([]);
  });
});

describe('partition task: an exact copy of a recent reading under a new offset is applied once (MQTT redelivery after a bridge crash)', () => {
  const minuteCount = (rows: { table: string; symbols: Record<string, string>; ts: number; values: Record<string, unknown> }[]) =>
    rows.filter((r) => r.table === 'rollups' && r.symbols.scope === 'sector' && r.ts === T0).map((r) => [r.values.count, r.values.sum]);

  it('the redelivered copies add nothing; a rewrite with another value still counts', () => {
    const task = createPartitionTask(processor, { partition: 0, allowedLatenessMs: lateness });
    const first = [reading('m', 0, 1), reading('m', 10 * s, 2), reading('m', 20 * s, 3)];
    // Offsets 0-2, then the same three again at offsets 3-5 (the bridge produced them twice), a
    // rewrite of 20 s with value 4 (offset 6), then a reading that closes minute 0.
    const out = task.process([
      ...first.map((r, i) => ({ offset: i, reading: r })),
      ...first.map((r, i) => ({ offset: 3 + i, reading: { ...r, receivedAt: r.receivedAt + 5 * s } })),
      { offset: 6, reading: reading('m', 20 * s, 4) },
      { offset: 7, reading: reading('m', 4 * min, 0) },
    ]);
    expect(out.duplicates).toBe(3);
    expect(out.applied).toBe(5);
    // Minute 0 by hand: 1 + 2 + 3 + 4 (the rewrite is a reading of its own here) = 10 over 4 readings, not 16 over 7.
    expect(minuteCount(out.events.flatMap((e) => e.rows))).toEqual([[4, 10]]);
  });

  it('remembers only the last duplicateWindow readings of the partition (the documented bound)', () => {
    const task = createPartitionTask(processor, { partition: 0, allowedLatenessMs: lateness, duplicateWindow: 2 });
    const a = reading('m', 0, 1);
    const out = task.process([
      { offset: 0, reading: a },
      { offset: 1, reading: reading('m', 10 * s, 2) },
      { offset: 2, reading: reading('m', 20 * s, 3) },
      { offset: 3, reading: a }, // three readings later: forgotten, applied again
      { offset: 4, reading: reading('m', 30 * s, 5) },
      { offset: 5, reading: reading('m', 30 * s, 5) }, // right after: a duplicate
    ]);
    expect(out.duplicates).toBe(1);
    expect(out.applied).toBe(5);
  });
});
