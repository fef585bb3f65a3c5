import type { RejectionReason } from '../contracts/rejection';
import { truncateText } from '../contracts/wire-fields';
import { defineTable } from '../questdb/table-spec';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

// The dead-letters stream: every device message the bridge refused, or reading a consumer
// refused, with its reason and its original bytes; the record's size has a bound by construction.

/** What the dead-letter topic carries for every refused device message (or batch item). */
export interface DeadLetter {
  reason: RejectionReason;
  /** Why, naming the field at fault; at most deadLetterLimits.detailChars characters. */
  detail: string;
  /** At most deadLetterLimits.topicChars characters (an MQTT topic may be 64 KiB long). */
  mqttTopic: string;
  /** Epoch ms when the bridge received the message. */
  receivedAt: number;
  /** The original bytes, base64, so nothing is lost and the message can be replayed (cut at deadLetterPayloadLimit). */
  payloadBase64: string;
  /** Size of the original payload, even when the stored copy is cut. */
  payloadBytes: number;
  /** True when the payload was longer than deadLetterPayloadLimit and only its start is kept. */
  payloadTruncated: boolean;
  /** Position in a gateway batch when a single item was refused. */
  index?: number;
  /** The bridge instance that refused it. */
  bridgeId: string;
}

/**
 * Largest part of a refused payload a dead letter keeps. Kafka refuses records above ~1 MB
 * (max.message.bytes), and an oversize payload is exactly what gets refused: keeping all of
 * it would make the dead letter itself unsendable and block the producer behind it.
 */
export const deadLetterPayloadLimit = 256 * 1024;

/**
 * Every other field is cut too, so a dead letter's size has a bound by construction whatever
 * the device sent (a detail listing hundreds of unknown keys, a 64 KiB topic): see
 * maxDeadLetterBytes.
 */
export const deadLetterLimits = Object.freeze({ detailChars: 1000, topicChars: 256, bridgeIdChars: 64, keyChars: 256 });

/**
 * Upper bound of a serialised dead letter (JSON, UTF-8): base64 of the kept payload, the cut
 * strings at 6 bytes per character (JSON's \uXXXX escape is the worst case), and 512 bytes for
 * field names and numbers. Well under Kafka's default 1 MiB record limit.
 */
export const maxDeadLetterBytes =
  Math.ceil(deadLetterPayloadLimit / 3) * 4 + 6 * (deadLetterLimits.detailChars + deadLetterLimits.topicChars + deadLetterLimits.bridgeIdChars + 64) + 512;

export function createDeadLetter(input: Omit<DeadLetter, 'payloadBase64' | 'payloadBytes' | 'payloadTruncated'> & { payload: Buffer }): DeadLetter {
  const { payload, ...rest } = input;
  const kept = payload.length > deadLetterPayloadLimit ? payload.subarray(0, deadLetterPayloadLimit) : payload;
  return {
    ...rest,
    detail: truncateText(rest.detail, deadLetterLimits.detailChars),
    mqttTopic: truncateText(rest.mqttTopic, deadLetterLimits.topicChars),
    bridgeId: truncateText(rest.bridgeId, deadLetterLimits.bridgeIdChars),
    payloadBase64: kept.toString('base64'),
    payloadBytes: payload.length,
    payloadTruncated: kept !== payload,
  };
}

/**
 * The Kafka key of a dead letter: the meter id when the topic names one, else the topic; cut
 * either way, since the id in a refused topic is not validated (a 64 KiB "meter id" is a topic level).
 */
export function deadLetterKey(meterId: string | null, mqttTopic: string): string {
  return truncateText(meterId ?? mqttTopic, deadLetterLimits.keyChars);
}

/** Three partitions: dead letters are few and read by people. */
export function deadLettersTopic(prefix: string): KafkaTopicSpec {
  return topicSpec(prefix, 'dead-letters', 3, 30, 'Rejected device messages with reason, original bytes, MQTT topic, receive time');
}

export const deadLettersTable = defineTable({
  name: 'dead_letters',
  description: 'Refused device messages, for dashboards and inspection; kept 30 days. Key: (ts = receive time, kafka_partition, kafka_offset).',
  columns: {
    ts: 'TIMESTAMP',
    reason: 'SYMBOL CAPACITY 32 CACHE',
    detail: 'VARCHAR',
    mqtt_topic: 'VARCHAR',
    payload_base64: 'VARCHAR',
    payload_bytes: 'LONG',
    payload_truncated: 'BOOLEAN',
    item_index: 'LONG',
    bridge_id: 'SYMBOL CAPACITY 64 CACHE',
    kafka_partition: 'LONG',
    kafka_offset: 'LONG',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  ttl: '30 DAYS',
  dedupKeys: ['ts', 'kafka_partition', 'kafka_offset'],
});
