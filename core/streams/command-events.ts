import { z } from 'zod';
import { idPattern, maxIdLength } from '../contracts/wire-fields';
import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';
import { decodeRecord } from './stream-record';
import { topicSpec, type KafkaTopicSpec } from './topic-spec';

/**
 * The command-events stream (topic `command-acks`, key: meter id): one step of a command's
 * life after it was issued — delivered (the broker took it for the meter), applied or
 * rejected (the device's answer), expired. The bridge produces it; the command log writes it
 * to QuestDB and the API's live feed follows it. Record: this schema's JSON, `at` in epoch ms.
 */
export const commandStates = ['delivered', 'applied', 'rejected', 'expired'] as const;
export type CommandState = (typeof commandStates)[number];

export const commandEventSchema = z
  .object({
    // Devices answer `unknown` for envelopes they could not read; still a valid id.
    commandId: z.string().min(1).max(maxIdLength).regex(idPattern),
    meterId: z.string().min(1).max(maxIdLength).regex(idPattern),
    state: z.enum(commandStates),
    /** Who observed it: the bridge (delivered, expired before delivery) or the device (applied, rejected). */
    source: z.enum(['bridge', 'device']),
    reason: z.string().max(256).optional(),
    // .safe(): the seq lands in a QuestDB LONG; zod's .int() alone accepts 1e21.
    seq: z.number().int().safe().nonnegative().optional(),
    /** Epoch ms. */
    at: z.number().int().safe().nonnegative(),
  })
  .strip();

export type CommandEvent = z.infer<typeof commandEventSchema>;

export function commandEventsTopic(prefix: string, partitions: number): KafkaTopicSpec {
  return topicSpec(prefix, 'command-acks', partitions, 7, 'Device answers to commands (key: meter id)');
}

export const commandEventsTable = defineTable({
  name: 'command_events',
  description: 'State changes of commands (delivered, applied, rejected, expired), as read from the command-acks topic. Key: (ts = when it happened, command_id, state).',
  columns: {
    ts: 'TIMESTAMP',
    command_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    state: 'SYMBOL CAPACITY 8 CACHE',
    source: 'SYMBOL CAPACITY 4 CACHE',
    reason: 'VARCHAR',
    seq: 'LONG',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  dedupKeys: ['ts', 'command_id', 'state'],
});

/** The record a command event is published as. */
export function encodeCommandEvent(event: CommandEvent): string {
  return JSON.stringify(event);
}

/** The event a record holds; throws STREAM_RECORD_INVALID naming the field when it is not one. */
export function decodeCommandEvent(value: Buffer | string | null): CommandEvent {
  return decodeRecord('command-events', commandEventSchema, value);
}

/** One `command_events` row: ts = when it happened, so DEDUP (ts, command_id, state) makes a replay the same row. */
export function commandEventToRow(event: CommandEvent): TableRow {
  return {
    table: commandEventsTable.name,
    ts: event.at,
    symbols: { command_id: event.commandId, meter_id: event.meterId, state: event.state, source: event.source },
    values: { reason: event.reason ?? null, seq: event.seq ?? null },
    types: { seq: 'long' },
  } satisfies TableRowOf<typeof commandEventsTable>;
}
