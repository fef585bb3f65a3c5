import { MeterflowError } from '../../../../core/errors';
import { createBatchingProducer, type BatchingProducerOptions } from '../../../../core/kafka/batching-producer';
import type { OutgoingRecord, RawProducer } from '../../../../core/kafka/kafka-client';
import { silentLogger } from '../../../../core/logger';

const record = (i: number): OutgoingRecord => ({ topic: 'meterflow.readings', key: `m-${i % 7}`, value: `{"i":${i}}` });
const ids = (records: OutgoingRecord[]) => records.map((r) => JSON.parse(String(r.value)).i as number);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A RawProducer whose requests complete only when the test says so, recording everything it sees. */
class ManualProducer implements RawProducer {
  readonly requests: OutgoingRecord[][] = [];
  readonly events: string[] = [];
  active = 0;
  maxActive = 0;
  private readonly waiting: { resolve(): void; reject(error: Error): void }[] = [];

  sendBatch(records: OutgoingRecord[]): Promise<void> {
    this.requests.push([...records]);
    this.events.push(`send:${ids(records).join(',')}`);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({
        resolve: () => {
          this.active -= 1;
          resolve();
        },
        reject: (error) => {
          this.active -= 1;
          reject(error);
        },
      });
    });
  }

  disconnect(): Promise<void> {
    this.events.push('disconnect');
    return Promise.resolve();
  }

  get outstanding(): number {
    return this.waiting.length;
  }

  /** Completes the oldest outstanding request. */
  complete(): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no request outstanding');
    next.resolve();
  }

  fail(message = 'broker unavailable'): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no request outstanding');
    next.reject(new Error(message));
  }
}

/** A RawProducer that acknowledges at once (after a macrotask), with an optional failure plan. */
class AutoProducer implements RawProducer {
  readonly requests: OutgoingRecord[][] = [];
  readonly events: string[] = [];
  active = 0;
  maxActive = 0;
  constructor(private failures = 0) {}

  async sendBatch(records: OutgoingRecord[]): Promise<void> {
    this.requests.push([...records]);
    this.events.push(`send:${records.length}`);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setImmediate(r));
    this.active -= 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('NOT_ENOUGH_REPLICAS');
    }
  }

  async disconnect(): Promise<void> {
    this.events.push('disconnect');
  }
}

const options = (overrides: Partial<BatchingProducerOptions>): BatchingProducerOptions => ({ maxBatch: 10, lingerMs: 0, logger: silentLogger, ...overrides });

/** Lets pending promise callbacks run. */
const settle = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

afterEach(() => {
  jest.useRealTimers();
});

describe('createBatchingProducer', () => {
  it('never puts more than maxBatch records in one request, and keeps FIFO order across requests', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 10, lingerMs: 0 }));
    await Promise.all(range(95).map((i) => producer.send(record(i))));
    expect(raw.requests.length).toBeGreaterThanOrEqual(10); // 95 records, at most 10 per request
    for (const request of raw.requests) expect(request.length).toBeLessThanOrEqual(10);
    expect(raw.requests.flatMap(ids)).toEqual(range(95));
  });

  it('keeps at most one request in flight, and sends what queued meanwhile right after', async () => {
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 4, lingerMs: 0 }));
    const acked: number[] = [];
    const sends = range(11).map((i) => producer.send(record(i)).then(() => acked.push(i)));
    await settle();
    expect(raw.outstanding).toBe(1);
    while (raw.outstanding > 0) {
      expect(raw.active).toBe(1);
      raw.complete();
      await settle();
    }
    await Promise.all(sends);
    expect(raw.maxActive).toBe(1);
    for (const request of raw.requests) expect(request.length).toBeLessThanOrEqual(4);
    expect(raw.requests.flatMap(ids)).toEqual(range(11));
    expect(acked).toEqual(range(11));
  });

  it('one sendBatch at a time also under sustained load with a real async producer', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 7, lingerMs: 1 }));
    const sends: Promise<unknown>[] = [];
    for (let wave = 0; wave < 20; wave += 1) {
      for (let i = 0; i < 13; i += 1) sends.push(producer.send(record(wave * 13 + i)));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(sends);
    expect(raw.maxActive).toBe(1);
    expect(raw.requests.flatMap(ids)).toEqual(range(260));
  });

  it('lingers: 3 records sent together within lingerMs=50 go as one request of 3', async () => {
    jest.useFakeTimers();
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 100, lingerMs: 50 }));
    const sends = [0, 1, 2].map((i) => producer.send(record(i)));
    await jest.advanceTimersByTimeAsync(49);
    expect(raw.requests).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(raw.requests.map(ids)).toEqual([[0, 1, 2]]);
    raw.complete();
    await Promise.all(sends);
  });

  it('linger counts from the first queued record, not the last', async () => {
    jest.useFakeTimers();
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 100, lingerMs: 50 }));
    void producer.send(record(0));
    await jest.advanceTimersByTimeAsync(30);
    void producer.send(record(1));
    await jest.advanceTimersByTimeAsync(20);
    expect(raw.requests.map(ids)).toEqual([[0, 1]]);
  });

  it('a full batch goes at once without waiting for the linger', async () => {
    jest.useFakeTimers();
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 5, lingerMs: 1000 }));
    for (const i of range(5)) void producer.send(record(i));
    await settle();
    expect(raw.requests.map(ids)).toEqual([[0, 1, 2, 3, 4]]);
  });

  it('retries a failed request with the same records in the same order; send resolves only after success', async () => {
    jest.useFakeTimers();
    const raw = new ManualProducer();
    const errors: unknown[] = [];
    const sent: number[] = [];
    const producer = createBatchingProducer(raw, options({ maxBatch: 10, lingerMs: 0, onError: (e) => errors.push(e), onSent: (n) => sent.push(n) }));
    let resolved = 0;
    const sends = [0, 1, 2].map((i) => producer.send(record(i)).then(() => (resolved += 1)));
    await settle();
    // The first send went alone (lingerMs 0); the next two queued behind it.
    expect(raw.requests.map(ids)).toEqual([[0]]);
    raw.complete();
    await settle();
    expect(raw.requests.map(ids)).toEqual([[0], [1, 2]]);
    raw.fail();
    await settle();
    expect(errors).toHaveLength(1);
    expect(resolved).toBe(1);
    expect(producer.pending()).toBe(2);
    // Retried after a backoff, not before.
    expect(raw.requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(raw.requests.map(ids)).toEqual([[0], [1, 2], [1, 2]]);
    expect(raw.requests[2]).toEqual(raw.requests[1]);
    expect(resolved).toBe(1);
    raw.complete();
    await Promise.all(sends);
    expect(resolved).toBe(3);
    expect(sent).toEqual([1, 2]);
    expect(producer.pending()).toBe(0);
  });

  it('keeps retrying through several failures, backing off, and never drops the batch', async () => {
    jest.useFakeTimers();
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 10, lingerMs: 0 }));
    let done = false;
    const send = producer.send(record(7)).then(() => (done = true));
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await settle();
      raw.fail();
      await jest.advanceTimersByTimeAsync(5_000);
    }
    expect(done).toBe(false);
    expect(raw.requests.map(ids)).toEqual([[7], [7], [7], [7], [7], [7]]);
    raw.complete();
    await send;
    expect(done).toBe(true);
  });

  it('a failure does not let a second request overtake the retried one', async () => {
    const raw = new AutoProducer(2);
    const producer = createBatchingProducer(raw, options({ maxBatch: 3, lingerMs: 0 }));
    await Promise.all(range(10).map((i) => producer.send(record(i))));
    expect(raw.maxActive).toBe(1);
    // Dropping the failed attempts, the successful requests carry 0..9 once each, in order.
    const successful = raw.requests.slice(2);
    expect(raw.requests[0]).toEqual(raw.requests[1]);
    expect(raw.requests[1]).toEqual(raw.requests[2]);
    expect(successful.flatMap(ids)).toEqual(range(10));
  });

  it('pending() counts queued plus in-flight records until they are acknowledged', async () => {
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 2, lingerMs: 0 }));
    expect(producer.pending()).toBe(0);
    const sends = range(5).map((i) => producer.send(record(i)));
    await settle();
    expect(producer.pending()).toBe(5);
    let acknowledged = 0;
    while (raw.outstanding > 0) {
      acknowledged += raw.requests[raw.requests.length - 1]?.length ?? 0;
      raw.complete();
      await settle();
      expect(producer.pending()).toBe(5 - acknowledged);
    }
    await Promise.all(sends);
    expect(producer.pending()).toBe(0);
  });

  it('close() flushes everything queued (without waiting for the linger) before disconnecting', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 4, lingerMs: 60_000 }));
    let acked = 0;
    const sends = range(10).map((i) => producer.send(record(i)).then(() => (acked += 1)));
    const started = Date.now();
    await producer.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(acked).toBe(10);
    expect(raw.events[raw.events.length - 1]).toBe('disconnect');
    expect(raw.events.filter((e) => e === 'disconnect')).toHaveLength(1);
    expect(raw.requests.flatMap(ids)).toEqual(range(10));
    expect(producer.pending()).toBe(0);
    await Promise.all(sends);
  });

  it('close() sends a lingering partial batch at once', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 100, lingerMs: 60_000 }));
    const sends = [0, 1, 2].map((i) => producer.send(record(i)));
    await settle();
    expect(raw.requests).toHaveLength(0); // still lingering
    const started = Date.now();
    await producer.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(raw.requests.map(ids)).toEqual([[0, 1, 2]]);
    expect(raw.events).toEqual(['send:3', 'disconnect']);
    await Promise.all(sends);
  });

  it('close() waits for the request in flight and for what queued behind it', async () => {
    const raw = new ManualProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 2, lingerMs: 0 }));
    const sends = range(5).map((i) => producer.send(record(i)));
    await settle();
    let closed = false;
    const closing = producer.close().then(() => (closed = true));
    while (raw.outstanding > 0) {
      await settle();
      expect(closed).toBe(false);
      expect(raw.events).not.toContain('disconnect');
      raw.complete();
      await settle();
    }
    await closing;
    expect(raw.requests.flatMap(ids)).toEqual(range(5));
    expect(raw.events[raw.events.length - 1]).toBe('disconnect');
    await Promise.all(sends);
  });

  it('close() with nothing queued just disconnects', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({}));
    await producer.close();
    expect(raw.events).toEqual(['disconnect']);
  });
});

describe('createBatchingProducer close with a deadline', () => {
  it('gives up on what Kafka will not take, reports how many, and never resolves their sends', async () => {
    let attempts = 0;
    let disconnected = false;
    const refusing: RawProducer = {
      sendBatch: async () => {
        attempts += 1;
        throw Object.assign(new Error('record too large'), { retriable: false });
      },
      disconnect: async () => {
        disconnected = true;
      },
    };
    const producer = createBatchingProducer(refusing, options({ maxBatch: 2 }));
    const settled: number[] = [];
    for (const i of range(3)) void producer.send(record(i)).then(() => settled.push(i));
    const givenUp = await producer.close(300);
    await new Promise((r) => setTimeout(r, 50));
    expect(givenUp).toBe(3); // 2 in flight + 1 queued
    expect(settled).toEqual([]); // upstream must not acknowledge these
    expect(disconnected).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(2); // it did retry before the deadline
  });
});

/** Refuses, like a broker with message.max.bytes, any request whose values add up to more than `limit` bytes. */
class SizeLimitedProducer implements RawProducer {
  readonly requests: OutgoingRecord[][] = [];
  constructor(private readonly limit: number) {}

  async sendBatch(records: OutgoingRecord[]): Promise<void> {
    this.requests.push([...records]);
    await new Promise((r) => setImmediate(r));
    const bytes = records.reduce((sum, r) => sum + String(r.value).length, 0);
    if (bytes > this.limit) throw new MeterflowError('KAFKA_RECORD_REJECTED', 'Kafka refused the records: MESSAGE_TOO_LARGE');
  }

  async disconnect(): Promise<void> {}
}

describe('createBatchingProducer with large records', () => {
  const big = (i: number, bytes: number): OutgoingRecord => ({ topic: 't', key: 'k', value: JSON.stringify({ i, pad: 'x'.repeat(bytes) }) });

  it('caps a request at maxBatchBytes, but still sends a single larger record on its own', async () => {
    const raw = new AutoProducer();
    const producer = createBatchingProducer(raw, options({ maxBatch: 100, maxBatchBytes: 1000, lingerMs: 5 }));
    await Promise.all([big(0, 400), big(1, 400), big(2, 400), big(3, 5000), big(4, 10)].map((r) => producer.send(r)));
    expect(raw.requests.map(ids)).toEqual([[0, 1], [2], [3], [4]]);
  });

  it('splits a request the broker refuses as too large until every part goes, in order, losing nothing', async () => {
    const raw = new SizeLimitedProducer(2500);
    // The byte cap is off (as if misjudged): only the broker's refusals make the producer split.
    const producer = createBatchingProducer(raw, options({ maxBatch: 100, maxBatchBytes: Number.MAX_SAFE_INTEGER, lingerMs: 5 }));
    const acked: number[] = [];
    await Promise.all(range(8).map((i) => producer.send(big(i, 1000)).then(() => acked.push(i))));
    const accepted = raw.requests.filter((r) => r.reduce((s, x) => s + String(x.value).length, 0) <= 2500);
    expect(accepted.flatMap(ids)).toEqual(range(8));
    expect(raw.requests[0]).toHaveLength(8); // first refused whole, then halves
    expect(acked.sort((a, b) => a - b)).toEqual(range(8));
  });
});

describe('createBatchingProducer with a record Kafka can never take', () => {
  const sized = (i: number, bytes: number): OutgoingRecord => ({ topic: 't', key: `k${i}`, value: JSON.stringify({ i, pad: 'x'.repeat(bytes) }) });

  it('sends the replacement onRejected gives in its place, and the records behind it go on', async () => {
    const raw = new SizeLimitedProducer(2000);
    const rejected: string[] = [];
    const producer = createBatchingProducer(raw, {
      ...options({ maxBatch: 100, maxBatchBytes: Number.MAX_SAFE_INTEGER, lingerMs: 5 }),
      onRejected: (r) => {
        rejected.push(r.key);
        return { topic: 'dead', key: r.key, value: JSON.stringify({ refused: r.key }) };
      },
    });
    const outcomes = await Promise.all([sized(0, 100), sized(1, 50_000), sized(2, 100)].map((r) => producer.send(r)));
    expect(outcomes).toEqual(['sent', 'replaced', 'sent']);
    expect(rejected).toEqual(['k1']);
    const lastRequests = raw.requests.slice(-3).flat();
    expect(lastRequests.map((r) => r.topic)).toContain('dead');
    // Per-key order held: record 2 went only after record 1's replacement.
    const sentOk = raw.requests.filter((req) => req.reduce((s, x) => s + String(x.value).length, 0) <= 2000).flat();
    expect(sentOk.map((r) => r.key)).toEqual(['k0', 'k1', 'k2']);
  });

  it('drops (and reports) a record whose replacement is refused too, instead of retrying it forever', async () => {
    const raw = new SizeLimitedProducer(2000);
    const dropped: string[] = [];
    const producer = createBatchingProducer(raw, {
      ...options({ maxBatch: 1, lingerMs: 0 }),
      onRejected: (r) => ({ ...r, topic: 'dead' }), // as large as the original: refused again
      onDropped: (r) => dropped.push(r.key),
    });
    const outcomes = await Promise.all([sized(0, 10_000), sized(1, 10)].map((r) => producer.send(r)));
    expect(outcomes).toEqual(['dropped', 'sent']);
    expect(dropped).toEqual(['k0']);
    expect(raw.requests).toHaveLength(3); // original, replacement, then the next record
  });

  it('reports the age of the oldest unacknowledged record while a request is stuck', async () => {
    let release: () => void = () => {};
    const stuck: RawProducer = { sendBatch: () => new Promise<void>((r) => (release = r)), disconnect: async () => {} };
    const producer = createBatchingProducer(stuck, options({ maxBatch: 1, lingerMs: 0 }));
    expect(producer.oldestPendingMs()).toBe(0);
    const sent = producer.send(record(1));
    await new Promise((r) => setTimeout(r, 60));
    expect(producer.oldestPendingMs()).toBeGreaterThanOrEqual(50);
    release();
    await sent;
    expect(producer.oldestPendingMs()).toBe(0);
  });
});
