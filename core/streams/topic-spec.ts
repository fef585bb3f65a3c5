/**
 * A Kafka topic as the services create it. Every record is keyed by meter id (or by the
 * scope id for fleet/sector results), so one key's records stay in one partition and keep
 * their order. A prefix (MF_KAFKA_TOPIC_PREFIX) lets several deployments, or tests, share a
 * cluster.
 */
export interface KafkaTopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configs applied at creation. */
  config: Record<string, string>;
  description: string;
}

const day = 24 * 60 * 60 * 1000;

/** A topic named prefix + suffix whose records are deleted after retentionDays. */
export function topicSpec(prefix: string, suffix: string, partitions: number, retentionDays: number, description: string): KafkaTopicSpec {
  return { name: `${prefix}${suffix}`, partitions, config: { 'retention.ms': String(retentionDays * day) }, description };
}
