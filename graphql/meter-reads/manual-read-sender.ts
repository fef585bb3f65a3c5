import type { KafkaTopics } from '../../core/contracts/kafka-topics';
import { createKafkaClient } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import { encodeReading, encodeReadingsRecord, type Reading } from '../../core/streams/readings';

/** Puts an admin's read on the readings topic, where the sink stores it and billing bills it like any reading. */
export interface ManualReadSender {
  send(reading: Reading): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Manual and estimated reads travel the same path as a device's (the readings topic, keyed by
 * meter id, so on the meter's partition and in order with its readings): the sink, billing and
 * every processor take them with no second channel to keep consistent. One record per read;
 * the idempotent producer, one send at a time.
 */
export async function createManualReadSender(options: { kafka: { brokers: string[]; topics: KafkaTopics }; logger: Logger; sendTimeoutMs?: number }): Promise<ManualReadSender> {
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-graphql-reads', logger: options.logger.child('kafka') });
  await kafka.ensureTopics([options.kafka.topics.readings]);
  const producer = await kafka.createProducer();
  let sending: Promise<unknown> = Promise.resolve();
  return {
    send(reading) {
      const value = encodeReadingsRecord([encodeReading(reading)]);
      const attempt = sending.then(() => producer.sendBatch([{ topic: options.kafka.topics.readings.name, key: reading.meterId, value }]));
      sending = attempt.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${sendTimeoutMs} ms`)), sendTimeoutMs);
      });
      return Promise.race([attempt, timeout]).finally(() => clearTimeout(timer));
    },
    async stop() {
      await sending;
      await producer.disconnect();
    },
  };
}
