import { createSubscriberQueue } from '../../../../graphql/live/subscriber-queue';

describe('createSubscriberQueue', () => {
  it('hands a waiting reader the next event at once, in order', async () => {
    const q = createSubscriberQueue<number>({ limit: 3 });
    const first = q.subscription.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.subscription.next()).toEqual({ value: 2, done: false });
  });

  it('keeps at most limit events: the oldest go and are counted', async () => {
    let drops = 0;
    const q = createSubscriberQueue<number>({ limit: 3, onDrop: () => (drops += 1) });
    for (let i = 1; i <= 10; i += 1) q.push(i);
    expect(q.subscription.dropped).toBe(7);
    expect(drops).toBe(7);
    const got: number[] = [];
    q.end();
    for await (const v of q.subscription) got.push(v);
    expect(got).toEqual([8, 9, 10]);
  });

  it('end() delivers what is queued, then done, and wakes a waiting reader', async () => {
    const q = createSubscriberQueue<string>({ limit: 5 });
    const waiting = q.subscription.next();
    q.end();
    expect(await waiting).toEqual({ value: undefined, done: true });
    q.push('late');
    expect(await q.subscription.next()).toEqual({ value: undefined, done: true });
  });

  it('calls onClose once, whether the client returns or the feed ends it', async () => {
    let closes = 0;
    const q = createSubscriberQueue<number>({ limit: 2, onClose: () => (closes += 1) });
    await q.subscription.return!();
    q.end();
    await q.subscription.return!();
    expect(closes).toBe(1);
    expect(q.closed).toBe(true);
  });

  it('refuses a limit below 1', () => {
    expect(() => createSubscriberQueue({ limit: 0 })).toThrow(RangeError);
  });
});
