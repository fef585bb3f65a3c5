import { createRateLimiter } from '../../../../graphql/auth/rate-limiter';

describe('createRateLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst of perMinute, then refuses with the wait until one token is back', () => {
    const limiter = createRateLimiter({ perMinute: 6, now: clock });
    for (let i = 0; i < 6; i += 1) expect(limiter.take('a')).toEqual({ allowed: true });
    // 6 per minute = one token every 10 s.
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterS: 10 });
    now += 4_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterS: 6 });
  });

  it('refills continuously, never above perMinute', () => {
    const limiter = createRateLimiter({ perMinute: 60, now: clock });
    for (let i = 0; i < 60; i += 1) limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    now += 1_000; // one token
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    now += 10 * 60_000; // long idle: full bucket, not 600 tokens
    let allowed = 0;
    while (limiter.take('a').allowed) allowed += 1;
    expect(allowed).toBe(60);
  });

  it('keeps subjects apart', () => {
    const limiter = createRateLimiter({ perMinute: 2, now: clock });
    expect([limiter.take('a').allowed, limiter.take('a').allowed, limiter.take('a').allowed]).toEqual([true, true, false]);
    expect([limiter.take('b').allowed, limiter.take('b').allowed, limiter.take('b').allowed]).toEqual([true, true, false]);
    now += 30_000; // one token each
    expect([limiter.take('a').allowed, limiter.take('b').allowed, limiter.take('a').allowed]).toEqual([true, true, false]);
  });

  it('0 per minute means unlimited and holds no state', () => {
    const limiter = createRateLimiter({ perMinute: 0, now: clock });
    for (let i = 0; i < 1000; i += 1) expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.size()).toBe(0);
  });

  it('forgets refilled buckets once more than sweepAbove are held, keeping the ones still draining', () => {
    const limiter = createRateLimiter({ perMinute: 60, now: clock, sweepAbove: 3 });
    for (const s of ['a', 'b', 'c', 'd']) limiter.take(s);
    expect(limiter.size()).toBe(4);
    now += 2_000; // a..d are full again
    for (let i = 0; i < 60; i += 1) limiter.take('e'); // sweeps on the first take, then drains e
    expect(limiter.size()).toBe(1);
    expect(limiter.take('e').allowed).toBe(false);
  });
});
