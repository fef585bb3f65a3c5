import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { MutationSupport } from './mutation-support';

export interface MutationSupportOptions {
  questdb: QuestdbPool;
  questdbHttpUrl: string;
  idempotencyTtlS: number;
  logger: Logger;
}

export async function createMutationSupport(options: MutationSupportOptions): Promise<MutationSupport> {
  void options;
  throw new Error('createMutationSupport: not implemented yet');
}
