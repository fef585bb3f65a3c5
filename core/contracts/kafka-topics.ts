import { alertsTopic } from '../streams/alerts';
import { commandEventsTopic } from '../streams/command-events';
import { commandsTopic } from '../streams/commands';
import { deadLettersTopic } from '../streams/dead-letters';
import { edgeStatisticsTopic } from '../streams/edge-statistics';
import { readingsTopic } from '../streams/readings';
import type { KafkaTopicSpec } from '../streams/topic-spec';
import { windowResultsTopic } from '../streams/window-results';

export type { KafkaTopicSpec };

/**
 * Every Kafka topic, for the code that creates or lists them all (the stack, the services'
 * ensureTopics). A stream's topic spec is defined in its module in core/streams; this is only
 * the aggregation. Every record is keyed by meter id, so one meter's records stay in one
 * partition and keep their order. A prefix (MF_KAFKA_TOPIC_PREFIX) lets several deployments,
 * or tests, share a cluster.
 */
export interface KafkaTopics {
  readings: KafkaTopicSpec;
  edgeStats: KafkaTopicSpec;
  deadLetters: KafkaTopicSpec;
  commands: KafkaTopicSpec;
  commandAcks: KafkaTopicSpec;
  alerts: KafkaTopicSpec;
  rollups: KafkaTopicSpec;
}

export function createKafkaTopics(prefix = 'meterflow.', readingPartitions = 6): KafkaTopics {
  return {
    readings: readingsTopic(prefix, readingPartitions),
    edgeStats: edgeStatisticsTopic(prefix, readingPartitions),
    deadLetters: deadLettersTopic(prefix),
    commands: commandsTopic(prefix, readingPartitions),
    commandAcks: commandEventsTopic(prefix, readingPartitions),
    alerts: alertsTopic(prefix, readingPartitions),
    rollups: windowResultsTopic(prefix, readingPartitions),
  };
}
