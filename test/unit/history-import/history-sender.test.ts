import type { Reading } from '../../../core/contracts';
import { defaultPartitionOf, type OutgoingRecord, type RawProducer } from '../../../core/kafka';
import { decodeReadingsRecord } from '../../../core/streams/readings';
import { sendHistory, sendSequence } from '../../../history-import/history-sender';
import type { PlannedReading } from '../../../history-import/history-plan';

// The sender's grouping, against a producer that records requests (the real Kafka path is
// test/integration/history-import.test.ts).
function recordingProducer(): RawProducer & { requests: OutgoingRecord[][] } {
  const requests: OutgoingRecord[][] = [];
  return { requests, sendBatch: async (records) => void requests.push(records), disconnect: async () => undefined };
}

const reading = (meterId: string, ts: number): PlannedReading => ({
  reading: { meterId, kind: 'water', ts, value: null, valueUnit: 'L/min', register: ts, registerUnit: 'L', seq: null, sector: null, receivedAt: 1 } satisfies Reading,
  source: { file: 'f', line: ts },
});

describe('sendHistory', () => {
  it('each record holds readings of its partition; each meter keeps its order; at most one record per partition per request', async () => {
    const producer = recordingProducer();
    const meters = new Map<string, PlannedReading[]>();
    for (let m = 0; m < 20; m += 1) meters.set(`m-${m}`, Array.from({ length: 1500 }, (_, i) => reading(`m-${m}`, i)));
    const sent = await sendHistory(sendSequence(meters, 'meter'), { producer, readingsTopic: 'r', deadLettersTopic: 'd', partitions: 6, ratePerSecond: 0 });
    expect(sent).toBe(30_000);
    const seen = new Map<string, number[]>();
    for (const request of producer.requests) {
      const partitions = request.map((r) => r.partition);
      expect(new Set(partitions).size).toBe(partitions.length);
      for (const record of request) {
        const decoded = decodeReadingsRecord(record.value as string);
        if (!decoded.ok) throw new Error(decoded.detail);
        expect(decoded.readings.length).toBeLessThanOrEqual(1000);
        for (const { reading: r } of decoded.readings) {
          expect(defaultPartitionOf(r.meterId, 6)).toBe(record.partition);
          seen.set(r.meterId, [...(seen.get(r.meterId) ?? []), r.ts]);
        }
      }
    }
    for (const [, ts] of seen) expect(ts).toEqual(Array.from({ length: 1500 }, (_, i) => i));
  });

  it('time order interleaves meters by event time and keeps each meter\'s own order', () => {
    const meters = new Map([
      ['a', [reading('a', 1), reading('a', 5), reading('a', 6)]],
      ['b', [reading('b', 2), reading('b', 5)]],
    ]);
    expect(sendSequence(meters, 'time').map((r) => `${r.meterId}${r.ts}`)).toEqual(['a1', 'b2', 'a5', 'b5', 'a6']);
    expect(sendSequence(meters, 'meter').map((r) => `${r.meterId}${r.ts}`)).toEqual(['a1', 'a5', 'a6', 'b2', 'b5']);
  });

  it('paces requests to the rate limit', async () => {
    const producer = recordingProducer();
    let clock = 0;
    const waits: number[] = [];
    const meters = new Map([['m', Array.from({ length: 4000 }, (_, i) => reading('m', i))]]);
    await sendHistory(sendSequence(meters, 'time'), { producer, readingsTopic: 'r', deadLettersTopic: 'd', partitions: 1, ratePerSecond: 1000, recordsPerRequest: 1, now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) });
    // 4 records of 1,000 readings at 1,000 readings/s: each request waits until its second is over.
    expect(waits).toEqual([1000, 1000, 1000, 1000]);
  });
});
