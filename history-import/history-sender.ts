import { createDeadLetter, deadLetterKey, type Reading } from '../core/contracts';
import { defaultPartitionOf, type OutgoingRecord, type RawProducer } from '../core/kafka';
import { encodeReading, encodeReadingsRecord, maxReadingsPerRecord, maxReadingsRecordBytes, readingsRecordBytes, type EncodedReading } from '../core/streams/readings';
import type { PlannedReading, RefusedRow } from './history-plan';
import { importSource } from './stored-readings';

export interface HistorySenderOptions {
  producer: RawProducer;
  readingsTopic: string;
  deadLettersTopic: string;
  /** The readings topic's partition count: readings go to the partition their meter id hashes to, as the bridge sends them. */
  partitions: number;
  /** Readings per second at most (0: as fast as Kafka takes them): history must not starve live ingest. */
  ratePerSecond: number;
  /** Records per produce request (at most one per partition). @default 8 */
  recordsPerRequest?: number;
  onProgress?(sentReadings: number): void;
  now?(): number;
  sleep?(ms: number): Promise<void>;
}

/**
 * The order an import sends in: every meter's readings in event-time order either way.
 * 'time': all meters interleaved by event time (sector and fleet rollups, which aggregate
 * several meters, then see their readings in order too); 'meter': meter after meter.
 */
export type SendOrder = 'time' | 'meter';

export function sendSequence(meters: Map<string, PlannedReading[]>, order: SendOrder): Reading[] {
  const perMeter = [...meters.values()].map((planned) => planned.map((p) => p.reading));
  if (order === 'meter') return perMeter.flat();
  // A stable sort of the meter-by-meter sequence keeps each meter's own order on equal instants.
  return perMeter.flat().sort((a, b) => a.ts - b.ts);
}

/**
 * Sends an import's readings on the readings topic in the bridge's record format (records of up
 * to maxReadingsPerRecord readings of one partition, core/streams/readings.ts), in the order
 * given (sendSequence). One request is in flight at a time, so a partition's records arrive in
 * the order they were made and every meter's order holds. The rate limit paces whole requests
 * against the clock.
 */
export async function sendHistory(readings: readonly Reading[], options: HistorySenderOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const perRequest = options.recordsPerRequest ?? 8;
  const pending = new Map<number, { key: string; readings: EncodedReading[]; bytes: number }>();
  let request: OutgoingRecord[] = [];
  let requestReadings = 0;
  let sent = 0;
  const started = now();

  const send = async () => {
    if (request.length === 0) return;
    await options.producer.sendBatch(request);
    sent += requestReadings;
    request = [];
    requestReadings = 0;
    options.onProgress?.(sent);
    if (options.ratePerSecond > 0) {
      const due = started + (sent / options.ratePerSecond) * 1000;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
  };
  const close = async (partition: number) => {
    const record = pending.get(partition);
    if (!record) return;
    pending.delete(partition);
    // Kafka bounds a partition's share of a request (one record batch, max.message.bytes ~1 MiB),
    // so a request carries at most one record per partition.
    if (request.some((r) => r.partition === partition)) await send();
    request.push({ topic: options.readingsTopic, key: record.key, partition, value: encodeReadingsRecord(record.readings) });
    requestReadings += record.readings.length;
    if (request.length >= perRequest) await send();
  };

  for (const reading of readings) {
    const partition = defaultPartitionOf(reading.meterId, options.partitions);
    // Stamped as received now, as the bridge stamps a live reading: while a meter's history is
    // being sent its key keeps up with the partition's receive clock (live meters beside the
    // import move it), so it does not go idle in mid-history (docs/processors.md).
    const encoded = encodeReading({ ...reading, receivedAt: now() });
    let record = pending.get(partition);
    if (record && (record.readings.length >= maxReadingsPerRecord || readingsRecordBytes(record.bytes + encoded.bytes, record.readings.length + 1) > maxReadingsRecordBytes)) {
      await close(partition);
      record = undefined;
    }
    if (!record) pending.set(partition, (record = { key: reading.meterId, readings: [], bytes: 0 }));
    record.readings.push(encoded);
    record.bytes += encoded.bytes;
  }
  for (const partition of [...pending.keys()]) await close(partition);
  await send();
  return sent;
}

/** The dead letters of refused rows, keyed by meter (or source) like the bridge's, sent in requests of 500. */
export async function sendRefused(refused: RefusedRow[], options: { producer: RawProducer; deadLettersTopic: string; receivedAt: number }): Promise<void> {
  for (let i = 0; i < refused.length; i += 500) {
    const records = refused.slice(i, i + 500).map((r): OutgoingRecord => {
      const source = importSource(r.source.file, r.source.line);
      const letter = createDeadLetter({ reason: r.reason, detail: r.detail, mqttTopic: source, receivedAt: options.receivedAt, payload: Buffer.from(r.payload), bridgeId: 'import' });
      return { topic: options.deadLettersTopic, key: deadLetterKey(r.meterId, source), value: JSON.stringify(letter) };
    });
    await options.producer.sendBatch(records);
  }
}
