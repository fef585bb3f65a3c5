import type { KafkaTopics } from '../../core/contracts';
import type { Logger } from '../../core/logger';
import type { LiveFeed } from './live-feed';

export interface LiveFeedOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  /** Unique per process: the feed's consumer group is its own, every instance sees every event. */
  instanceId: string;
  logger: Logger;
}

// PROVISIONAL (skeleton): no events; the commands/live helper replaces this.
export async function createLiveFeed(options: LiveFeedOptions): Promise<LiveFeed> {
  void options;
  return { stop: async () => {} };
}
