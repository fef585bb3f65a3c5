import type { KafkaClient, RawConsumer } from '../../../core/kafka';

export interface TopicCollector<T> {
  /** Every record's value so far, parsed as JSON, in arrival order. */
  readonly values: T[];
  stop(): Promise<void>;
}

/** Reads a topic from the beginning with a group of its own and keeps what it sees. */
export async function collectTopic<T>(kafka: KafkaClient, topic: string, groupId: string): Promise<TopicCollector<T>> {
  const values: T[] = [];
  const consumer: RawConsumer = await kafka.createConsumer({
    groupId,
    topics: [topic],
    fromBeginning: true,
    handle: async (batch) => {
      for (const record of batch.records) if (record.value) values.push(JSON.parse(record.value.toString()) as T);
    },
  });
  return { values, stop: () => consumer.disconnect() };
}
