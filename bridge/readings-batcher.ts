import type { Reading } from '../core/contracts';
import type { BatchingProducer, SendOutcome } from '../core/kafka';
import { encodeReading, encodeReadingsRecord, maxReadingsPerRecord, maxReadingsRecordBytes, readingsRecordBytes, type EncodedReading } from '../core/streams/readings';

export interface ReadingsBatcherOptions {
  producer: BatchingProducer;
  topic: string;
  /** The readings topic's partition count, as the cluster has it. */
  partitions: number;
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
  /** Resolves once Kafka acknowledged the record holding this reading (see BatchingProducer.send). */
  add(reading: Reading): Promise<SendOutcome>;
}

interface Pending {
  /** The record's key: the meter id of its first reading. */
  key: string;
  readings: EncodedReading[];
  bytes: number;
  resolvers: ((outcome: SendOutcome) => void)[];
}

/**
 * Turns readings into readings-stream records of one partition each (core/streams/readings.ts):
 * a Kafka record costs the bridge, the broker and every consumer far more than a reading in it.
 *
 * Grouping: each reading goes to the partition the default partitioner gives its meter id, and
 * the record's key is the meter id of its first reading, so a keyed producer puts the record on
 * that same partition: every meter keeps its partition, as when each reading was its own record.
 * Readings of a partition are appended in arrival order and records of a partition are sent in
 * order (the producer keeps one request in flight), so each meter's order holds.
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
  /**
   * Each meter's partition, remembered: hashing the id costs more than the rest of the grouping.
   * Bounded: cleared when it holds more meters than one bridge plausibly serves at once.
   */
  const partitionByMeter = new Map<string, number>();
  const partitionOf = (meterId: string) => {
    let partition = partitionByMeter.get(meterId);
    if (partition === undefined) {
      if (partitionByMeter.size >= 200_000) partitionByMeter.clear();
      partition = options.partitionOf(meterId, options.partitions);
      partitionByMeter.set(meterId, partition);
    }
    return partition;
  };
  /** Records handed to the producer and not yet acknowledged. */
  let outstanding = 0;
  let scheduled = false;

  const send = (batch: Pending) => {
    outstanding += 1;
    void options.producer.send({ topic: options.topic, key: batch.key, value: encodeReadingsRecord(batch.readings) }).then((outcome) => {
      outstanding -= 1;
      if (outcome === 'sent') options.onRecordSent?.(batch.readings.length);
      for (const resolve of batch.resolvers) resolve(outcome);
      if (outstanding === 0) schedule();
    });
  };

  const flush = () => {
    scheduled = false;
    if (outstanding > 0) return; // the last acknowledgement schedules the next flush
    const all = [...waiting.values()];
    waiting.clear();
    for (const batch of all) send(batch);
  };

  const schedule = () => {
    if (scheduled || waiting.size === 0 || outstanding > 0) return;
    scheduled = true;
    // After the current I/O callbacks: the MQTT messages of one socket read share a flush.
    setImmediate(flush);
  };

  return {
    add(reading) {
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
        batch = { key: reading.meterId, readings: [], bytes: 0, resolvers: [] };
        waiting.set(partition, batch);
      }
      batch.readings.push(encoded);
      batch.bytes += encoded.bytes;
      const done = new Promise<SendOutcome>((resolve) => batch.resolvers.push(resolve));
      schedule();
      return done;
    },
  };
}
