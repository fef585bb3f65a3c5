import type { Reading } from '../../../core/contracts';
import type { BatchingProducer, OutgoingRecord, SendOutcome } from '../../../core/kafka';
import { createReadingsBatcher } from '../../../bridge/readings-batcher';
import { decodeReadingsRecord } from '../../../core/streams/readings';

const reading = (meterId: string, k: number): Reading => ({ meterId, kind: 'gas', ts: 1_700_000_000_000 + k, value: k, valueUnit: 'm3/h', register: null, registerUnit: '', seq: k, sector: null, receivedAt: 1_700_000_000_000 + k });

/** A producer that records what it is given and acknowledges only when told to. */
function fakeProducer() {
  const sent: { record: OutgoingRecord; ack(outcome?: SendOutcome): void }[] = [];
  const producer: BatchingProducer = {
    send: (record) => new Promise<SendOutcome>((resolve) => sent.push({ record, ack: (o = 'sent') => resolve(o) })),
    pending: () => 0,
    oldestPendingMs: () => 0,
    close: async () => 0,
  };
  return { producer, sent };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
// A stand-in for the default partitioner: the meter id's number modulo the partition count.
const partitionOf = (key: string, partitions: number) => Number(key.split('-')[1]) % partitions;
const readingsOf = (record: OutgoingRecord) => {
  const decoded = decodeReadingsRecord(record.value);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.readings.map((r) => r.reading);
};

describe('readings batcher', () => {
  it('sends one record per partition, keyed by a meter of that partition, readings in arrival order', async () => {
    const { producer, sent } = fakeProducer();
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => 3, partitionOf });
    const input = Array.from({ length: 30 }, (_, k) => reading(`m-${k % 6}`, k));
    for (const r of input) void batcher.add([r]);
    await tick();
    expect(sent).toHaveLength(3);
    for (const { record } of sent) {
      const readings = readingsOf(record);
      const partition = partitionOf(record.key, 3);
      expect(record.partition).toBe(partition);
      expect(readings.every((r) => partitionOf(r.meterId, 3) === partition)).toBe(true);
      expect(readings).toEqual(input.filter((r) => partitionOf(r.meterId, 3) === partition));
    }
  });

  it('resolves a reading only when Kafka acknowledged its record', async () => {
    const { producer, sent } = fakeProducer();
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => 2, partitionOf });
    let a = false;
    let b = false;
    void batcher.add([reading('m-0', 1)]).then(() => (a = true));
    void batcher.add([reading('m-1', 2)]).then(() => (b = true));
    await tick();
    sent.find((s) => s.record.key === 'm-0')!.ack();
    await tick();
    expect([a, b]).toEqual([true, false]);
    sent.find((s) => s.record.key === 'm-1')!.ack();
    await tick();
    expect(b).toBe(true);
  });

  it('holds new readings while records are on their way, then sends them together', async () => {
    const { producer, sent } = fakeProducer();
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => 1, partitionOf });
    void batcher.add([reading('m-0', 0)]);
    await tick();
    expect(sent).toHaveLength(1);
    for (let k = 1; k <= 5; k += 1) {
      void batcher.add([reading('m-0', k)]);
      await tick();
    }
    expect(sent).toHaveLength(1); // waiting for the first acknowledgement
    sent[0]!.ack();
    await tick();
    await tick();
    expect(sent).toHaveLength(2);
    expect(readingsOf(sent[1]!.record).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('cuts a record at its count and byte bounds, keeping the order across the records', async () => {
    const { producer, sent } = fakeProducer();
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => 1, partitionOf, maxReadings: 4 });
    for (let k = 0; k < 10; k += 1) void batcher.add([reading('m-0', k)]);
    await tick();
    // Full records go at once; the rest waits for their acknowledgement.
    expect(sent.map((s) => readingsOf(s.record).length)).toEqual([4, 4]);
    for (const s of sent) s.ack();
    await tick();
    await tick();
    expect(sent.map((s) => readingsOf(s.record).length)).toEqual([4, 4, 2]);
    expect(sent.flatMap((s) => readingsOf(s.record).map((r) => r.seq))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const bytes = fakeProducer();
    const small = createReadingsBatcher({ producer: bytes.producer, topic: 't', partitions: () => 1, partitionOf, maxBytes: 600 });
    for (let k = 0; k < 10; k += 1) void small.add([reading('m-0', k)]);
    for (let round = 0; round < 10; round += 1) {
      await tick();
      for (const s of bytes.sent) s.ack();
      await tick();
    }
    expect(bytes.sent.length).toBeGreaterThan(1);
    for (const s of bytes.sent) expect(Buffer.byteLength(s.record.value)).toBeLessThanOrEqual(600);
    expect(bytes.sent.flatMap((s) => readingsOf(s.record).map((r) => r.seq))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('resolves a message once every record holding one of its readings was acknowledged', async () => {
    const { producer, sent } = fakeProducer();
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => 2, partitionOf, maxReadings: 2 });
    let done = false;
    // Five readings over two partitions, cut at two readings: m-0's first record goes at once
    // (full), the rest (m-1's two, m-0's third) waits for its acknowledgement.
    void batcher.add([reading('m-0', 0), reading('m-1', 1), reading('m-0', 2), reading('m-0', 3), reading('m-1', 4)]).then(() => (done = true));
    await tick();
    expect(sent).toHaveLength(1);
    sent[0]!.ack();
    await tick();
    await tick();
    expect(sent.map((s) => readingsOf(s.record).map((r) => r.seq))).toEqual([[0, 2], [1, 4], [3]]);
    sent[1]!.ack();
    await tick();
    expect(done).toBe(false);
    sent[2]!.ack();
    await tick();
    expect(done).toBe(true);
    // A message without readings has nothing to wait for.
    await expect(batcher.add([])).resolves.toBeUndefined();
  });

  it('groups by the partition count the cluster has now, not the one it had at start', async () => {
    const { producer, sent } = fakeProducer();
    let partitions = 2;
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => partitions, partitionOf });
    const meters = Array.from({ length: 12 }, (_, k) => `m-${k}`);
    for (const meterId of meters) void batcher.add([reading(meterId, 0)]);
    await tick();
    for (const s of sent) s.ack();
    await tick();
    const before = sent.length;
    partitions = 3; // partitions added to the running topic
    for (const meterId of meters) void batcher.add([reading(meterId, 1)]);
    await tick();
    const after = sent.slice(before);
    expect(after).toHaveLength(3);
    for (const { record } of after) {
      const readings = readingsOf(record);
      expect(readings.every((r) => partitionOf(r.meterId, 3) === record.partition)).toBe(true);
      expect(partitionOf(record.key, 3)).toBe(record.partition);
    }
  });

  it('sends what waits, grouped by the old count, before grouping by a new one', async () => {
    const { producer, sent } = fakeProducer();
    let partitions = 2;
    const batcher = createReadingsBatcher({ producer, topic: 't', partitions: () => partitions, partitionOf });
    void batcher.add([reading('m-0', 0)]);
    await tick();
    void batcher.add([reading('m-2', 1), reading('m-3', 2)]); // waits: m-0's record is on its way
    partitions = 3;
    void batcher.add([reading('m-2', 3)]);
    // The waiting readings went at once, by the old count; the new one waits, by the new count.
    expect(sent.map((s) => [s.record.partition, readingsOf(s.record).map((r) => r.seq)])).toEqual([
      [0, [0]],
      [0, [1]],
      [1, [2]],
    ]);
    for (const s of sent) s.ack();
    await tick();
    await tick();
    expect(sent.slice(3).map((s) => [s.record.partition, readingsOf(s.record).map((r) => r.seq)])).toEqual([[2, [3]]]);
  });
});
