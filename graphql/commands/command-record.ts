import { commandSchema, parseEventTime, type Command, type CommandType } from '../../core/contracts';
import { paramString } from '../../core/streams/commands';
import { blockReasons, type BlockReason, type IssueCommandInput } from './command-service';

/** What the API knows of a command itself (not of its state): from the commands topic or table. */
export interface CommandRecord {
  commandId: string;
  meterId: string;
  type: CommandType;
  reason: BlockReason | null;
  note: string | null;
  issuedBy: string | null;
  /** Epoch ms. */
  issuedAt: number;
  expiresAt: number;
}

/** The contract's limit on a params string (core/contracts/command.ts): a note longer than this cannot travel. */
export const maxNoteLength = 500;
/** The contract's limit on issuedBy. */
const maxIssuedByLength = 64;

/** The command as it goes on the commands topic; reason and note travel in params. Throws if the contract refuses it. */
/** `seq`: the replay counter the meter checks (command-sequence.ts); absent, the relay derives one from the record. */
export function buildCommand(input: IssueCommandInput, now: number, seq?: number): Command {
  const params: Record<string, string> = {};
  if (input.reason !== null) params.reason = input.reason;
  if (input.note !== null) params.note = input.note;
  return commandSchema.parse({
    commandId: input.commandId,
    meterId: input.meterId,
    type: input.type,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + input.ttlS * 1000).toISOString(),
    issuedBy: input.issuedBy.slice(0, maxIssuedByLength),
    ...(seq !== undefined ? { seq } : {}),
  });
}

export function toBlockReason(value: string | null | undefined): BlockReason | null {
  return value && (blockReasons as readonly string[]).includes(value) ? (value as BlockReason) : null;
}

export function commandRecordOf(command: Command): CommandRecord {
  return {
    commandId: command.commandId,
    meterId: command.meterId,
    type: command.type,
    reason: toBlockReason(paramString(command, 'reason')),
    note: paramString(command, 'note'),
    issuedBy: command.issuedBy ?? null,
    issuedAt: parseEventTime(command.issuedAt)!,
    expiresAt: parseEventTime(command.expiresAt)!,
  };
}
