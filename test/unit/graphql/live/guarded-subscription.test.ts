import { guardSubscription } from '../../../../graphql/live/guarded-subscription';
import { createSubscriberQueue } from '../../../../graphql/live/subscriber-queue';

// A subscription ends when the token expires or access is withdrawn.
describe('guardSubscription', () => {
  it('passes events through while access holds, and ends (closing the source) once it is withdrawn', async () => {
    let closed = false;
    const queue = createSubscriberQueue<number>({ limit: 10, onClose: () => (closed = true) });
    let allowed = true;
    const ends: string[] = [];
    const guarded = guardSubscription(queue.subscription, { recheckMs: 20, stillAllowed: async () => allowed, onEnd: (r) => ends.push(r) });
    queue.push(1);
    expect(await guarded.next()).toEqual({ value: 1, done: false });
    const pending = guarded.next();
    allowed = false;
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(ends).toEqual(['revoked']);
    expect(closed).toBe(true);
    expect(await guarded.next()).toEqual({ value: undefined, done: true });
  });

  it('ends at expiresAt even while access checks pass', async () => {
    const queue = createSubscriberQueue<number>({ limit: 10 });
    const ends: string[] = [];
    const started = Date.now();
    const guarded = guardSubscription(queue.subscription, { recheckMs: 10_000, expiresAt: started + 50, stillAllowed: async () => true, onEnd: (r) => ends.push(r) });
    expect(await guarded.next()).toEqual({ value: undefined, done: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(ends).toEqual(['expired']);
    expect(queue.closed).toBe(true);
  });

  it('a failing check (QuestDB unreachable) does not end the stream', async () => {
    const queue = createSubscriberQueue<number>({ limit: 10 });
    const guarded = guardSubscription(queue.subscription, { recheckMs: 10, stillAllowed: async () => Promise.reject(new Error('down')) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    queue.push(7);
    expect(await guarded.next()).toEqual({ value: 7, done: false });
    await guarded.return!();
    expect(queue.closed).toBe(true);
  });
});
