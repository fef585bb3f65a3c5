import type { Reading } from '../core/contracts';
import type { BatchingProducer } from '../core/kafka';
import { encodeReading, encodeReadingsRecord, maxReadingsPerRecord, maxReadingsRecordBytes, readingsRecordBytes, type EncodedReading } from '../core/streams/readings';

export interface ReadingsBatcherOptions {
  producer: BatchingProducer;
  topic: string;
  /**
   * The readings topic's partition count as last read from the cluster. Read on every `add`:
   * when a topic grows partitions, readings are grouped (and sent) by the new count from then on.
   */
  partitions(): number;
  /** The partition Kafka's default partitioner gives a key (core/kafka defaultPartitionOf). */
  partitionOf(key: string, partitions: number): number;
  /** @default maxReadingsPerRecord */
  maxReadings?: number;
  /** @default maxReadingsRecordBytes */
  maxBytes?: number;
  /** Observes each record Kafka acknowledged: how many readings it held. */
  onRecordSent?(readings: number): void;
}

export interface ReadingsBatcher {
  /**
   * Adds the readings of one message. Resolves once every record holding one of them was
   * settled by Kafka (acknowledged, or refused and replaced by its dead letter: see
   * BatchingProducer.send); one promise per call, however many readings it holds.
   */
  add(readings: readonly Reading[]): Promise<void>;
}

/** One `add` call, waiting for the records its readings went into. */
interface Waiter {
  records: number;
  resolve(): void;
}

interface Pending {
  partition: number;
  /** The record's key: the meter id of its first reading. */
  key: string;
  readings: EncodedReading[];
  bytes: number;
  waiters: Waiter[];
}

/**
 * Turns readings into readings-stream records of one partition each (core/streams/readings.ts):
 * a Kafka record costs the bridge, the broker and every consumer far more than a reading in it.
 *
 * Grouping: each reading goes to the partition the default partitioner gives its meter id under
 * the topic's current partition count, and the record is sent to that partition explicitly (its
 * key is the meter id of its first reading): the record's partition and its readings' partition
 * cannot disagree, even while the producer's own metadata still has an older count. Readings of
 * a partition are appended in arrival order and records of a partition are sent in order (the
 * producer keeps one request in flight), so each meter's order holds. When the count changes,
 * what waits is sent first, grouped as it was; a meter moves partition at that one point of its
 * sequence, as a keyed record does when a topic grows.
 *
 * Pacing: while records of the previous flush are on their way to Kafka, new readings wait
 * here; when those are acknowledged (or right away, when nothing is on its way), everything
 * waiting goes, one record per partition. The slower Kafka answers, the larger the records,
 * with no timer to tune. A partition's record is cut early when it reaches maxReadings or
 * maxBytes, so a record never exceeds the topic's max.message.bytes.
 */
export function createReadingsBatcher(options: ReadingsBatcherOptions): ReadingsBatcher {
  const maxReadings = Math.min(options.maxReadings ?? maxReadingsPerRecord, maxReadingsPerRecord);
  const maxBytes = options.maxBytes ?? maxReadingsRecordBytes;
  const waiting = new Map<number, Pending>();
  /** The partition count the remembered partitions and the waiting records were computed with. */
  let partitions = 0;
  /**
   * Each meter's partition, remembered: hashing the id costs more than the rest of the grouping.
   * Bounded: cleared when it holds more meters than one bridge plausibly serves at once, and
   * whenever the partition count changes.
   */
  const partitionByMeter = new Map<string, number>();
  const partitionOf = (meterId: string) => {
    let partition = partitionByMeter.get(meterId);
    if (partition === undefined) {
      if (partitionByMeter.size >= 200_000) partitionByMeter.clear();
      partition = options.partitionOf(meterId, partitions);
      partitionByMeter.set(meterId, partition);
    }
    return partition;
  };
  /** Records handed to the producer and not yet acknowledged. */
  let outstanding = 0;
  let scheduled = false;

  const send = (batch: Pending) => {
    outstanding += 1;
    const record = { topic: options.topic, key: batch.key, partition: batch.partition, value: encodeReadingsRecord(batch.readings) };
    void options.producer.send(record).then((outcome) => {
      outstanding -= 1;
      if (outcome === 'sent') options.onRecordSent?.(batch.readings.length);
      for (const waiter of batch.waiters) {
        waiter.records -= 1;
        if (waiter.records === 0) waiter.resolve();
      }
      if (outstanding === 0) schedule();
    });
  };

  const sendWaiting = () => {
    const all = [...waiting.values()];
    waiting.clear();
    for (const batch of all) send(batch);
  };

  const flush = () => {
    scheduled = false;
    if (outstanding > 0) return; // the last acknowledgement schedules the next flush
    sendWaiting();
  };

  const schedule = () => {
    if (scheduled || waiting.size === 0 || outstanding > 0) return;
    scheduled = true;
    // After the current I/O callbacks: the MQTT messages of one socket read share a flush.
    setImmediate(flush);
  };

  const append = (reading: Reading, waiter: Waiter) => {
    const encoded = encodeReading(reading);
    const partition = partitionOf(reading.meterId);
    let batch = waiting.get(partition);
    if (batch && (batch.readings.length >= maxReadings || readingsRecordBytes(batch.bytes + encoded.bytes, batch.readings.length + 1) > maxBytes)) {
      // Full: goes now, ahead of anything later of this partition, so order holds.
      waiting.delete(partition);
      send(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { partition, key: reading.meterId, readings: [], bytes: 0, waiters: [] };
      waiting.set(partition, batch);
    }
    batch.readings.push(encoded);
    batch.bytes += encoded.bytes;
    // A message's readings are appended together, so its waiter is last in the list if present.
    if (batch.waiters[batch.waiters.length - 1] !== waiter) {
      batch.waiters.push(waiter);
      waiter.records += 1;
    }
  };

  return {
    add(readings) {
      const current = options.partitions();
      if (current !== partitions) {
        // Grouped by the old count: goes as it is, before anything grouped by the new one.
        sendWaiting();
        partitionByMeter.clear();
        partitions = current;
      }
      return new Promise<void>((resolve) => {
        const waiter: Waiter = { records: 0, resolve };
        for (const reading of readings) append(reading, waiter);
        if (waiter.records === 0) resolve();
        else schedule();
      });
    },
  };
}
