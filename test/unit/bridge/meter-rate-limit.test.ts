import { createMeterRateLimit } from '../../../bridge/meter-rate-limit';

describe('createMeterRateLimit', () => {
  it('lets a burst through, then the sustained rate, per meter', () => {
    const limit = createMeterRateLimit({ perSecond: 2, burst: 3 });
    const t0 = 1_000_000;
    // Burst of 3 at once, the 4th refused.
    expect([1, 2, 3, 4].map(() => limit.take('m-1', t0))).toEqual([true, true, true, false]);
    // Another meter is not affected by m-1's excess.
    expect(limit.take('m-2', t0)).toBe(true);
    // 500 ms later m-1 has earned exactly 1 token (2/s).
    expect(limit.take('m-1', t0 + 500)).toBe(true);
    expect(limit.take('m-1', t0 + 500)).toBe(false);
    // After a long quiet spell the bucket is full again, but not beyond the burst.
    expect([1, 2, 3, 4].map(() => limit.take('m-1', t0 + 60_000))).toEqual([true, true, true, false]);
  });

  it('is off when perSecond is 0', () => {
    const limit = createMeterRateLimit({ perSecond: 0, burst: 1 });
    for (let i = 0; i < 1000; i += 1) expect(limit.take('m-1', 0)).toBe(true);
    expect(limit.size()).toBe(0);
  });

  it('tracks at most maxMeters, forgetting the least recently seen first', () => {
    const limit = createMeterRateLimit({ perSecond: 1, burst: 1, maxMeters: 3 });
    for (const m of ['a', 'b', 'c']) expect(limit.take(m, 0)).toBe(true);
    expect(limit.take('a', 0)).toBe(false); // a is now the most recently seen
    expect(limit.take('d', 0)).toBe(true); // evicts b, the least recently seen
    expect(limit.size()).toBe(3);
    expect(limit.take('b', 0)).toBe(true); // b was forgotten: a full bucket again
    expect(limit.take('a', 0)).toBe(false); // a was kept (c was evicted for b)
  });
});
