import type { KafkaTopics } from '../../core/contracts';
import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { LiveFeed } from '../live/live-feed';
import type { CommandService } from './command-service';

export interface CommandServiceOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: QuestdbPool;
  live: LiveFeed;
  logger: Logger;
}

export async function createCommandService(options: CommandServiceOptions): Promise<CommandService> {
  void options;
  throw new Error('createCommandService: not implemented yet');
}
