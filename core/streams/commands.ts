import { commandSchema, type Command } from '../contracts/command';
import { parseEventTime } from '../contracts/timestamp';
import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';
import { decodeRecord } from './stream-record';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The commands stream (key: meter id): commands the API issues to meters; the bridge relays
 * them to MQTT, the command log writes them to QuestDB, the live feed follows them. Record:
 * the JSON of core/contracts/command.ts's commandSchema (the device protocol's half of the
 * contract lives there, beside the acks and the signing rules it shares with the bridge).
 */
export function commandsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'commands', partitions, 7, 'Commands to meters (key: meter id)');
}

export const commandsTable = defineTable({
  name: 'commands',
  description: 'Commands issued to meters, as read from the commands topic. Key: (ts = issued at, command_id).',
  columns: {
    ts: 'TIMESTAMP',
    command_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    type: 'SYMBOL CAPACITY 16 CACHE',
    reason: 'SYMBOL CAPACITY 16 CACHE',
    note: 'VARCHAR',
    params: 'VARCHAR',
    issued_by: 'VARCHAR',
    expires_at: 'TIMESTAMP',
    kafka_partition: 'INT',
    kafka_offset: 'LONG',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'command_id'],
});

/** The record a command is published as. */
export function encodeCommand(command: Command): string {
  return JSON.stringify(command);
}

/** The command a record holds; throws STREAM_RECORD_INVALID naming the field when it is not one. */
export function decodeCommand(value: Buffer | string | null): Command {
  return decodeRecord('commands', commandSchema, value);
}

/** reason/note travel in params (the API puts them there); anything else is not ours to lift. */
export function paramString(command: Pick<Command, 'params'>, name: string): string | null {
  const value = command.params?.[name];
  return typeof value === 'string' ? value : null;
}

/**
 * One `commands` row: ts = issuedAt, so DEDUP (ts, command_id) makes a replay the same row;
 * the Kafka position says where the command log read it.
 */
export function commandToRow(command: Command, partition: number, offset: string): TableRow {
  const reason = paramString(command, 'reason');
  return {
    table: commandsTable.name,
    ts: parseEventTime(command.issuedAt)!,
    symbols: { command_id: command.commandId, meter_id: command.meterId, type: command.type, ...(reason !== null ? { reason } : {}) },
    values: {
      note: paramString(command, 'note'),
      params: command.params ? JSON.stringify(command.params) : null,
      issued_by: command.issuedBy ?? null,
      expires_at: parseEventTime(command.expiresAt)!,
      kafka_partition: partition,
      kafka_offset: Number(offset),
    },
    types: { expires_at: 'timestamp', kafka_partition: 'long', kafka_offset: 'long' },
  } satisfies TableRowOf<typeof commandsTable>;
}
