import { createDeadLetter, truncateText } from '../core/contracts';
import { describeError } from '../core/errors';
import type { OutgoingRecord } from '../core/kafka';

/** How much of a refused record the KAFKA_REFUSED dead letter keeps: enough to see what it was. */
const keptBytes = 4096;

/**
 * The dead letter that replaces a record Kafka refused for good. Small by construction (a
 * few KiB), so Kafka takes it even when it refused the record for its size; keyed like the
 * record (the meter), so per-meter order is kept.
 */
export function refusedRecordDeadLetter(record: OutgoingRecord, error: unknown, target: { topic: string; bridgeId: string }): OutgoingRecord {
  const value = typeof record.value === 'string' ? Buffer.from(record.value) : record.value;
  const letter = createDeadLetter({
    reason: 'KAFKA_REFUSED',
    detail: `Kafka refused a record of ${value.length} bytes for topic ${record.topic}: ${describeError(error)}`,
    mqttTopic: mqttTopicOf(value) ?? `kafka:${record.topic}`,
    receivedAt: Date.now(),
    payload: value.subarray(0, keptBytes),
    bridgeId: target.bridgeId,
  });
  // payloadBytes and payloadTruncated describe the record Kafka refused, not the cut copy.
  return { topic: target.topic, key: truncateText(record.key, 256), value: JSON.stringify({ ...letter, payloadBytes: value.length, payloadTruncated: value.length > keptBytes }) };
}

/** A refused dead letter names its MQTT topic near its start; find it without parsing megabytes. */
function mqttTopicOf(value: Buffer): string | null {
  const head = value.subarray(0, 8192).toString('utf8');
  const match = /"mqttTopic":"((?:[^"\\]|\\.){1,256})"/.exec(head);
  return match ? match[1]! : null;
}
