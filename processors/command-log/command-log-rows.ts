import { commandSchema, parseEventTime, questdbTables, type Command, type CommandEvent } from '../../core/contracts';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import { parseCommandEvent, parseJson } from './command-event-schema';

/** A command record, or null when the bytes are not a valid command. */
export function parseCommand(value: Buffer | null): Command | null {
  const parsed = commandSchema.safeParse(parseJson(value));
  return parsed.success ? parsed.data : null;
}

export { parseCommandEvent };

/** reason/note travel in params (the API puts them there); anything else is not ours to lift. */
export function paramString(command: Pick<Command, 'params'>, name: string): string | null {
  const value = command.params?.[name];
  return typeof value === 'string' ? value : null;
}

/** One `commands` row: ts = issuedAt, so DEDUP (ts, command_id) makes a replay the same row. */
export function writeCommandRow(writer: IlpWriter, command: Command, partition: number, offset: string): Promise<void> {
  return writer.row(questdbTables.commands.name, parseEventTime(command.issuedAt)!, (row) => {
    row.symbol('command_id', command.commandId).symbol('meter_id', command.meterId).symbol('type', command.type);
    const reason = paramString(command, 'reason');
    if (reason !== null) row.symbol('reason', reason);
    const note = paramString(command, 'note');
    if (note !== null) row.stringColumn('note', note);
    if (command.params) row.stringColumn('params', JSON.stringify(command.params));
    if (command.issuedBy !== undefined) row.stringColumn('issued_by', command.issuedBy);
    row.timestampColumn('expires_at', parseEventTime(command.expiresAt)!, 'ms').intColumn('kafka_partition', partition).intColumn('kafka_offset', Number(offset));
  });
}

/** One `command_events` row: ts = when it happened; DEDUP (ts, command_id, state). */
export function writeCommandEventRow(writer: IlpWriter, event: CommandEvent): Promise<void> {
  return writer.row(questdbTables.commandEvents.name, event.at, (row) => {
    row.symbol('command_id', event.commandId).symbol('meter_id', event.meterId).symbol('state', event.state).symbol('source', event.source);
    if (event.reason !== undefined) row.stringColumn('reason', event.reason);
    if (event.seq !== undefined) row.intColumn('seq', event.seq);
  });
}
