import { commandTypes, type CommandEvent, type CommandType } from '../../core/contracts';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { sqlColumns } from '../../core/questdb/table-spec';
import { commandEventsTable } from '../../core/streams/command-events';
import { commandsTable } from '../../core/streams/commands';
import { toBlockReason, type CommandRecord } from './command-record';
import type { CommandEventLike } from './command-view';
import type { AppliedSwitch } from './meter-status';

export interface StoredCommand {
  record: CommandRecord;
  events: CommandEventLike[];
}

/** What QuestDB's commands and command_events tables (written by the command log) say. */
export interface CommandStore {
  get(commandId: string): Promise<StoredCommand | null>;
  /** A meter's newest commands, newest first. */
  list(meterId: string, limit: number): Promise<StoredCommand[]>;
  /** Applied block/unblock commands of these meters. */
  appliedSwitches(meterIds: readonly string[]): Promise<AppliedSwitch[]>;
}

interface CommandRow {
  ts: Date;
  command_id: string;
  meter_id: string;
  type: string;
  reason: string | null;
  note: string | null;
  issued_by: string | null;
  expires_at: Date | null;
}

interface EventRow {
  ts: Date;
  command_id: string;
  state: string;
  source: string;
  reason: string | null;
}

// Columns through the table specs, so a renamed column is a compile error here.
const cmd = commandsTable.columns;
const ce = commandEventsTable.columns;
const commandColumns = sqlColumns(commandsTable, ['ts', 'command_id', 'meter_id', 'type', 'reason', 'note', 'issued_by', 'expires_at']);
const eventColumns = sqlColumns(commandEventsTable, ['ts', 'command_id', 'state', 'source', 'reason']);
// Long IN lists are split: one statement per chunk keeps the SQL and its parameters small.
const chunkSize = 200;

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

function recordOf(row: CommandRow): CommandRecord | null {
  if (!(commandTypes as readonly string[]).includes(row.type)) return null;
  // A row without an expiry (written by hand or by an erasure) is unreadable: skip it rather than fail every meter's status.
  if (!row.expires_at) return null;
  return {
    commandId: row.command_id,
    meterId: row.meter_id,
    type: row.type as CommandType,
    reason: toBlockReason(row.reason),
    note: row.note,
    issuedBy: row.issued_by,
    issuedAt: row.ts.getTime(),
    expiresAt: row.expires_at.getTime(),
  };
}

function eventOf(row: EventRow): CommandEventLike {
  return { state: row.state as CommandEvent['state'], source: row.source as CommandEvent['source'], at: row.ts.getTime(), reason: row.reason };
}

export function createCommandStore(pool: QuestdbPool): CommandStore {
  /** Events of these commands (one meter's, so the meter_id filter narrows the scan). */
  const eventsOf = async (meterId: string, commandIds: string[]): Promise<Map<string, CommandEventLike[]>> => {
    const out = new Map<string, CommandEventLike[]>();
    for (let i = 0; i < commandIds.length; i += chunkSize) {
      const ids = commandIds.slice(i, i + chunkSize);
      const { rows } = await pool.query<EventRow>(`SELECT ${eventColumns} FROM command_events WHERE ${ce.meter_id} = $1 AND ${ce.command_id} IN (${placeholders(ids.length, 2)})`, [meterId, ...ids]);
      for (const row of rows) {
        let list = out.get(row.command_id);
        if (!list) out.set(row.command_id, (list = []));
        list.push(eventOf(row));
      }
    }
    return out;
  };

  /** The same id twice (a resend) keeps the first issue. */
  const firstPerId = (rows: CommandRow[]): CommandRecord[] => {
    const seen = new Map<string, CommandRecord>();
    for (const row of [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime())) {
      const record = recordOf(row);
      if (record && !seen.has(record.commandId)) seen.set(record.commandId, record);
    }
    return [...seen.values()];
  };

  return {
    async get(commandId) {
      const { rows } = await pool.query<CommandRow>(`SELECT ${commandColumns} FROM commands WHERE ${cmd.command_id} = $1`, [commandId]);
      const [record] = firstPerId(rows);
      if (!record) return null;
      const events = await eventsOf(record.meterId, [commandId]);
      return { record, events: events.get(commandId) ?? [] };
    },
    async list(meterId, limit) {
      const { rows } = await pool.query<CommandRow>(`SELECT ${commandColumns} FROM commands WHERE ${cmd.meter_id} = $1 ORDER BY ${cmd.ts} DESC LIMIT $2`, [meterId, limit]);
      const records = firstPerId(rows).sort((a, b) => b.issuedAt - a.issuedAt);
      const events = await eventsOf(meterId, records.map((r) => r.commandId));
      return records.map((record) => ({ record, events: events.get(record.commandId) ?? [] }));
    },
    async appliedSwitches(meterIds) {
      const out: AppliedSwitch[] = [];
      for (let i = 0; i < meterIds.length; i += chunkSize) {
        const ids = meterIds.slice(i, i + chunkSize);
        const [commands, applied] = await Promise.all([
          pool.query<CommandRow>(`SELECT ${commandColumns} FROM commands WHERE ${cmd.type} IN ('block', 'unblock') AND ${cmd.meter_id} IN (${placeholders(ids.length)})`, ids),
          pool.query<EventRow & { meter_id: string }>(`SELECT ${eventColumns}, ${ce.meter_id} FROM command_events WHERE ${ce.state} = 'applied' AND ${ce.meter_id} IN (${placeholders(ids.length)})`, ids),
        ]);
        const records = new Map(firstPerId(commands.rows).map((r) => [r.commandId, r]));
        for (const row of applied.rows) {
          const record = records.get(row.command_id);
          if (!record || record.meterId !== row.meter_id) continue;
          out.push({ commandId: record.commandId, meterId: record.meterId, type: record.type as 'block' | 'unblock', reason: record.reason, note: record.note, appliedAt: row.ts.getTime() });
        }
      }
      return out;
    },
  };
}
