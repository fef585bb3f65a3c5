import type { CommandType } from '../../core/contracts';
import type { LiveSubscription } from '../live/subscriber-queue';

export const blockReasons = ['DEBT', 'OVERCONSUMPTION', 'LEAK', 'MANUAL'] as const;
export type BlockReason = (typeof blockReasons)[number];

export type CommandStateName = 'PENDING' | 'DELIVERED' | 'APPLIED' | 'REJECTED' | 'EXPIRED';

export interface CommandStep {
  state: CommandStateName;
  at: Date;
  source: 'api' | 'bridge' | 'device';
  reason: string | null;
}

/** A command and where it stands. */
export interface CommandView {
  commandId: string;
  meterId: string;
  type: CommandType;
  reason: BlockReason | null;
  note: string | null;
  issuedBy: string | null;
  issuedAt: Date;
  expiresAt: Date;
  state: CommandStateName;
  /** Why it was rejected or expired. */
  stateReason: string | null;
  /** Oldest first, starting with PENDING. */
  history: CommandStep[];
}

export interface MeterStatusView {
  status: 'ACTIVE' | 'BLOCKED';
  /** Why it is blocked (the applied block command's reason), null when active. */
  reason: BlockReason | null;
  note: string | null;
  /** When the device applied the last block/unblock; null if it never got one. */
  since: Date | null;
  commandId: string | null;
}

export interface IssueCommandInput {
  /** Deterministic for idempotent retries (the caller derives it from the idempotency key). */
  commandId: string;
  meterId: string;
  type: 'block' | 'unblock';
  reason: BlockReason | null;
  note: string | null;
  issuedBy: string;
  /** Seconds before an undelivered command expires. */
  ttlS: number;
}

/**
 * The API's end of the command path: commands go to the Kafka commands topic (the bridge
 * relays them to MQTT), their state comes back on the command-acks topic and is recorded in
 * QuestDB (commands, command_events) by the processors' command log.
 */
export interface CommandService {
  /** Resolves once Kafka has the command (state PENDING). */
  issue(input: IssueCommandInput): Promise<CommandView>;
  /** Resolves when the command reaches a final state (APPLIED, REJECTED, EXPIRED) or the timeout passes, with its state then. */
  waitForFinal(commandId: string, timeoutMs: number): Promise<CommandView>;
  get(commandId: string): Promise<CommandView | null>;
  /** A meter's commands, newest first. */
  list(meterId: string, limit: number): Promise<CommandView[]>;
  /** Block status per meter (meters never blocked are ACTIVE). */
  meterStatuses(meterIds: readonly string[]): Promise<Map<string, MeterStatusView>>;
  /**
   * Each state change of the commands of one meter (or of all, null) from now on, as the
   * command's view at that change: PENDING, DELIVERED, then the final state.
   */
  watch(meterId: string | null): LiveSubscription<CommandView>;
  stop(): Promise<void>;
}
