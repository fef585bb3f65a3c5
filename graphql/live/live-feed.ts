/**
 * Live events for subscriptions, fed from Kafka (readings, alerts, command-acks) by a consumer
 * of this process's own (not shared) group. Helper-owned: see graphql/schema/live.
 */
export interface LiveFeed {
  stop(): Promise<void>;
}
