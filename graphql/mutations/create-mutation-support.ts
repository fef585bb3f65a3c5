import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { requireAdmin } from '../auth/authorize';
import type { MutationSupport } from './mutation-support';

export interface MutationSupportOptions {
  questdb: QuestdbPool;
  questdbHttpUrl: string;
  idempotencyTtlS: number;
  logger: Logger;
}

// PROVISIONAL (skeleton): admin check only; audit log and idempotency follow.
export async function createMutationSupport(options: MutationSupportOptions): Promise<MutationSupport> {
  void options;
  return {
    async run(context, _spec, execute) {
      requireAdmin(context);
      return execute('provisional');
    },
    write: async () => {
      throw new Error('not implemented yet');
    },
    stop: async () => {},
  };
}
