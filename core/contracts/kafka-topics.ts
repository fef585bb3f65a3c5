/**
 * Kafka topics. Every record is keyed by meter id, so one meter's records stay in one
 * partition and keep their order. A prefix (MF_KAFKA_TOPIC_PREFIX) lets several
 * deployments, or tests, share a cluster.
 */
export interface KafkaTopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configs applied at creation. */
  config: Record<string, string>;
  description: string;
}

const day = 24 * 60 * 60 * 1000;

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
  const spec = (suffix: string, partitions: number, retentionDays: number, description: string): KafkaTopicSpec => ({
    name: `${prefix}${suffix}`,
    partitions,
    config: { 'retention.ms': String(retentionDays * day) },
    description,
  });
  return {
    readings: spec('readings', readingPartitions, 7, 'Validated readings (key: meter id)'),
    edgeStats: spec('edge-stats', readingPartitions, 7, 'Validated edge statistics (key: meter id)'),
    deadLetters: spec('dead-letters', 3, 30, 'Rejected device messages with reason, original bytes, MQTT topic, receive time'),
    commands: spec('commands', readingPartitions, 7, 'Commands to meters (key: meter id)'),
    commandAcks: spec('command-acks', readingPartitions, 7, 'Device answers to commands (key: meter id)'),
    alerts: spec('alerts', readingPartitions, 30, 'Alerts raised by processors (key: meter id)'),
    rollups: spec('rollups', readingPartitions, 7, 'Rolling averages (key: meter id) and sector/fleet rollups (key: scope id), as written to QuestDB'),
  };
}
