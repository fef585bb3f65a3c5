import type { TableSpec } from '../questdb/table-spec';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The dead-letters stream: every device message the bridge refused, or reading a consumer
 * refused, with its reason and its original bytes (the record shape and its size bound are
 * core/contracts/dead-letter.ts). Three partitions: dead letters are few and read by people.
 */
export function deadLettersTopic(prefix: string): KafkaTopicSpec {
  return topicSpec(prefix, 'dead-letters', 3, 30, 'Rejected device messages with reason, original bytes, MQTT topic, receive time');
}

export const deadLettersTable = {
  name: 'dead_letters',
  description: 'Refused device messages, for dashboards and inspection; kept 30 days. Key: (ts = receive time, kafka_partition, kafka_offset).',
  ddl: `CREATE TABLE IF NOT EXISTS dead_letters (
  ts TIMESTAMP,
  reason SYMBOL CAPACITY 32 CACHE,
  detail VARCHAR,
  mqtt_topic VARCHAR,
  payload_base64 VARCHAR,
  payload_bytes LONG,
  payload_truncated BOOLEAN,
  item_index LONG,
  bridge_id SYMBOL CAPACITY 64 CACHE,
  kafka_partition LONG,
  kafka_offset LONG
) TIMESTAMP(ts) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS(ts, kafka_partition, kafka_offset)`,
} satisfies TableSpec;
