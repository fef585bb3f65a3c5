import type { IlpWriter } from '../../core/questdb/ilp-writer';
import type { Role } from '../auth/principal';
import type { GraphqlContext } from '../context';

export interface MutationSpec<T> {
  /** Mutation name, e.g. blockMeter. */
  operation: string;
  /** What it acts on, e.g. the meter id. */
  target: string;
  /** The arguments, as recorded in the audit log. */
  args: unknown;
  idempotencyKey: string | null;
  /** What the audit log keeps of a result, and how a retry with the same key gets it back. */
  toRecord(result: T): unknown;
  fromRecord(record: unknown): Promise<T>;
  /** Roles that may run it. @default ['admin'] */
  roles?: readonly Role[];
}

/**
 * What every mutation goes through: role check (admin unless the spec says otherwise), one audit_log row per attempt (who, what,
 * when, outcome), and idempotency keys (a retry with the same key by the same subject returns
 * the first result instead of acting twice).
 */
export interface MutationSupport {
  run<T>(context: GraphqlContext, spec: MutationSpec<T>, execute: (requestId: string) => Promise<T>): Promise<T>;
  /** Writes rows to QuestDB and resolves once QuestDB has committed them; calls are serialised. */
  write(rows: (writer: IlpWriter) => Promise<void>): Promise<void>;
  /** Runs `task` alone among this process's tasks with the same key (check-then-write sections). */
  exclusive<T>(key: string, task: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}
