import { isMeterflowError } from '../../../../core/errors';
import { createWebhookNotifier, formatWebhookPayload, type AlertEvent, type FetchLike } from '../../../../processors/alert-rules';

const event: AlertEvent = {
  alertId: 'a1b2',
  meterId: 'm1',
  sector: 's1',
  rule: 'burst',
  ruleKind: 'burst',
  severity: 'critical',
  state: 'open',
  startedAt: Date.parse('2026-07-01T10:00:00Z'),
  evidence: { peakLpm: 20 },
  estimatedLossL: 600,
  at: Date.parse('2026-07-01T10:30:00Z'),
};

/** A test double for an HTTP endpoint: answers from a script, records each call. */
function fakeEndpoint(script: (number | Error | { status: number; retryAfter: string })[]) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    const next = script[Math.min(calls.length - 1, script.length - 1)]!;
    if (next instanceof Error) throw next;
    if (typeof next === 'number') return { status: next };
    return { status: next.status, headers: { get: (n: string) => (n === 'retry-after' ? next.retryAfter : null) } };
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  return { fetch, calls, sleeps, sleep };
}

describe('webhook payload', () => {
  it('carries the alert with ISO times, a summary line and an idempotency key', () => {
    const p = formatWebhookPayload(event);
    expect(p).toMatchObject({ type: 'meterflow.alert', version: 1, idempotencyKey: `a1b2:open:${event.at}` });
    expect(p.alert).toMatchObject({ alertId: 'a1b2', startedAt: '2026-07-01T10:00:00.000Z', endedAt: null, at: '2026-07-01T10:30:00.000Z', estimatedLossL: 600 });
    expect(p.text).toBe('[critical] burst on m1 open since 2026-07-01T10:00:00.000Z, estimated loss 600 L');
    const closed = formatWebhookPayload({ ...event, state: 'closed', endedAt: Date.parse('2026-07-01T10:45:00Z') });
    expect(closed.text).toBe('[critical] burst on m1 closed (2026-07-01T10:00:00.000Z → 2026-07-01T10:45:00.000Z, estimated loss 600 L)');
  });
});

describe('createWebhookNotifier', () => {
  it('retries 5xx and network errors with exponential backoff, then succeeds', async () => {
    const e = fakeEndpoint([503, new Error('ECONNRESET'), 200]);
    await createWebhookNotifier('https://hooks.example/alerts', e.fetch, { sleep: e.sleep }).notify(event);
    expect(e.calls).toHaveLength(3);
    expect(e.sleeps).toEqual([500, 1000]);
    expect(JSON.parse(e.calls[0]!.body).alert.alertId).toBe('a1b2');
    expect(e.calls[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': `a1b2:open:${event.at}` });
  });

  it('gives up after maxAttempts with a retriable WEBHOOK_DELIVERY_FAILED', async () => {
    const e = fakeEndpoint([500]);
    const err = await createWebhookNotifier('https://hooks.example/alerts', e.fetch, { sleep: e.sleep, maxDelayMs: 3000 }).notify(event).catch((x: unknown) => x);
    expect(isMeterflowError(err, 'WEBHOOK_DELIVERY_FAILED')).toBe(true);
    expect((err as { retriable: boolean }).retriable).toBe(true);
    expect((err as Error).message).toMatch(/HTTP 500/);
    expect(e.calls).toHaveLength(5);
    // 500, 1000, 2000, then 4000 capped at 3000.
    expect(e.sleeps).toEqual([500, 1000, 2000, 3000]);
  });

  it('does not retry a 4xx other than 408/429', async () => {
    const e = fakeEndpoint([400]);
    const err = await createWebhookNotifier('https://hooks.example/alerts', e.fetch, { sleep: e.sleep }).notify(event).catch((x: unknown) => x);
    expect(isMeterflowError(err, 'WEBHOOK_DELIVERY_FAILED')).toBe(true);
    expect((err as { retriable: boolean }).retriable).toBe(false);
    expect(e.calls).toHaveLength(1);
    expect(e.sleeps).toEqual([]);
  });

  it('honours Retry-After on 429', async () => {
    const e = fakeEndpoint([{ status: 429, retryAfter: '7' }, 204]);
    await createWebhookNotifier('https://hooks.example/alerts', e.fetch, { sleep: e.sleep }).notify(event);
    expect(e.sleeps).toEqual([7000]);
    expect(e.calls).toHaveLength(2);
  });
});
