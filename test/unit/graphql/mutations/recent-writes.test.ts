import { createRecentWrites } from '../../../../graphql/mutations/recent-writes';
import { createRecentWriteCaches } from '../../../../graphql/mutations/recent-write-caches';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('createRecentWrites', () => {
  it('serves an entry until ttlMs after its write, then forgets it', () => {
    const clock = manualClock();
    const recent = createRecentWrites<string>({ ttlMs: 1_000, maxEntries: 10, clock: clock.now });
    recent.set('a', 'first');
    clock.advance(999);
    expect(recent.get('a')).toBe('first');
    expect(recent.values()).toEqual(['first']);
    clock.advance(1);
    expect(recent.get('a')).toBeUndefined();
    expect(recent.values()).toEqual([]);
    expect(recent.size).toBe(0);
  });

  it('a rewrite replaces the value and restarts its time to live', () => {
    const clock = manualClock();
    const recent = createRecentWrites<number>({ ttlMs: 1_000, maxEntries: 10, clock: clock.now });
    recent.set('a', 1);
    clock.advance(800);
    recent.set('a', 2);
    clock.advance(800);
    expect(recent.get('a')).toBe(2);
    clock.advance(200);
    expect(recent.get('a')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest write first', () => {
    const clock = manualClock();
    const recent = createRecentWrites<number>({ ttlMs: 60_000, maxEntries: 3, clock: clock.now });
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      recent.set(key, i);
      clock.advance(1);
    }
    expect(recent.size).toBe(3);
    expect(recent.get('a')).toBeUndefined();
    expect(recent.get('b')).toBeUndefined();
    expect(recent.values()).toEqual([2, 3, 4]);
  });

  it('a rewritten key counts as the newest for the bound', () => {
    const recent = createRecentWrites<string>({ ttlMs: 60_000, maxEntries: 2, clock: manualClock().now });
    recent.set('a', 'a1');
    recent.set('b', 'b1');
    recent.set('a', 'a2');
    recent.set('c', 'c1');
    expect(recent.get('b')).toBeUndefined();
    expect(recent.values()).toEqual(['a2', 'c1']);
  });

  it('a write sweeps expired entries, so size stays near what is live', () => {
    const clock = manualClock();
    const recent = createRecentWrites<number>({ ttlMs: 100, maxEntries: 1_000, clock: clock.now });
    for (let i = 0; i < 50; i += 1) recent.set(`old-${i}`, i);
    clock.advance(100);
    recent.set('new', 1);
    expect(recent.size).toBe(1);
  });

  it('delete forgets at once', () => {
    const recent = createRecentWrites<number>({ ttlMs: 1_000, maxEntries: 10, clock: manualClock().now });
    recent.set('a', 1);
    recent.delete('a');
    expect(recent.get('a')).toBeUndefined();
  });

  it('refuses a bound below one entry', () => {
    expect(() => createRecentWrites({ ttlMs: 1_000, maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('createRecentWriteCaches', () => {
  it('gives every server caches of its own, each with the bound and the clock it was given', () => {
    const clock = manualClock();
    const one = createRecentWriteCaches({ maxEntries: 2, ttlMs: 500, clock: clock.now });
    const two = createRecentWriteCaches({ maxEntries: 2, ttlMs: 500, clock: clock.now });
    one.pendingPayments.set('pay-1', { paymentId: 'pay-1', invoiceId: 'inv-1', cents: 100, at: clock.now() });
    expect(two.pendingPayments.get('pay-1')).toBeUndefined();
    expect(one.alerts.get('pay-1')).toBeUndefined();
    for (const id of ['p2', 'p3']) one.pendingPayments.set(id, { paymentId: id, invoiceId: 'inv-1', cents: 1, at: clock.now() });
    expect(one.pendingPayments.values().map((p) => p.paymentId)).toEqual(['p2', 'p3']);
    clock.advance(500);
    expect(one.pendingPayments.values()).toEqual([]);
  });
});
