import type { Reading } from '../../../../core/contracts';
import { createDuplicateFilter } from '../../../../processors/runtime/duplicate-filter';

const reading = (meterId: string, ts: number, value: number | null, register: number | null = null): Reading => ({ meterId, kind: 'water', ts, value, valueUnit: 'L/min', register, registerUnit: 'L', seq: null, sector: null, receivedAt: ts });

describe('duplicate filter (MQTT redelivery after a bridge crash)', () => {
  it('an exact copy is seen; another meter, time, value or register is a reading of its own', () => {
    const filter = createDuplicateFilter(100);
    expect(filter.seen(reading('m', 1000, 5, 10))).toBe(false);
    expect(filter.seen({ ...reading('m', 1000, 5, 10), receivedAt: 99_999, seq: 7 })).toBe(true); // redelivered later: same identity
    expect([reading('n', 1000, 5, 10), reading('m', 2000, 5, 10), reading('m', 1000, 6, 10), reading('m', 1000, 5, 11), reading('m', 1000, null, 10)].map((r) => filter.seen(r))).toEqual([false, false, false, false, false]);
  });

  it('an admin\'s confirmation of a device value (same numbers, source manual) is a reading of its own; its own redelivery is not', () => {
    const filter = createDuplicateFilter(100);
    expect(filter.seen(reading('m', 1000, null, 400_000))).toBe(false);
    expect(filter.seen({ ...reading('m', 1000, null, 400_000), source: 'manual' })).toBe(false);
    expect(filter.seen({ ...reading('m', 1000, null, 400_000), source: 'manual', receivedAt: 5 })).toBe(true);
    expect(filter.seen({ ...reading('m', 1000, null, 400_000), source: 'estimated' })).toBe(false);
  });

  it('remembers exactly the last `window` distinct readings, oldest forgotten first', () => {
    const filter = createDuplicateFilter(3);
    for (const ts of [1, 2, 3]) filter.seen(reading('m', ts, 1));
    expect(filter.seen(reading('m', 1, 1))).toBe(true); // 3 remembered: 1, 2, 3
    filter.seen(reading('m', 4, 1)); // evicts 1
    expect(filter.seen(reading('m', 2, 1))).toBe(true);
    expect(filter.seen(reading('m', 1, 1))).toBe(false); // forgotten, so new again (and now remembered, evicting 2)
    expect(filter.seen(reading('m', 2, 1))).toBe(false);
    // Over many readings it holds no more than the window: everything older than 3 back is new again.
    for (let ts = 10; ts < 10_000; ts += 1) filter.seen(reading('m', ts, 1));
    expect([9_999, 9_998, 9_997, 9_996].map((ts) => filter.seen(reading('m', ts, 1)))).toEqual([true, true, true, false]);
  });
});
