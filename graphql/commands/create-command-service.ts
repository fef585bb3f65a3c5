import type { KafkaTopics } from '../../core/contracts';
import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { LiveFeed } from '../live/live-feed';
import type { CommandService, MeterStatusView } from './command-service';

export interface CommandServiceOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: QuestdbPool;
  live: LiveFeed;
  logger: Logger;
}

// PROVISIONAL (skeleton): every meter ACTIVE, no commands; the commands helper replaces this.
export async function createCommandService(options: CommandServiceOptions): Promise<CommandService> {
  void options;
  const active: MeterStatusView = { status: 'ACTIVE', reason: null, note: null, since: null, commandId: null };
  return {
    issue: async () => {
      throw new Error('commands not implemented yet');
    },
    waitForFinal: async () => {
      throw new Error('commands not implemented yet');
    },
    get: async () => null,
    list: async () => [],
    meterStatuses: async (ids) => new Map(ids.map((id) => [id, active])),
    stop: async () => {},
  };
}
