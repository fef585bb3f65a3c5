import type { CommandRecord } from './command-record';
import type { CommandEventLike } from './command-view';

export interface RecentEntry {
  commandId: string;
  meterId: string;
  record: CommandRecord;
  events: CommandEventLike[];
}

export interface RecentCommands {
  get(commandId: string): RecentEntry | undefined;
  /** Records the command; a second record for the same id is ignored (the first is the command). Returns the entry. */
  putRecord(record: CommandRecord): RecentEntry;
  /**
   * Adds an event to its command. Returns the entry, or undefined when the event changed no
   * known command: its command is unknown (held aside, bounded, until the record comes) or
   * belongs to another meter (dropped: a device's ack only ever touches its own meter's commands).
   */
  addEvent(commandId: string, meterId: string, event: CommandEventLike): RecentEntry | undefined;
  /** Entries of one meter. */
  ofMeter(meterId: string): RecentEntry[];
  entries(): IterableIterator<RecentEntry>;
  readonly size: number;
}

export interface RecentCommandsLimits {
  /** Commands kept. */
  commands: number;
  /** Events of not-yet-known commands kept (a record may follow its first event: two topics). @default 1000 */
  orphans?: number;
  /** Events kept per command (a command has a handful of states; a device repeating acks gets no more). @default 16 */
  eventsPerCommand?: number;
}

/**
 * The commands and events this process has seen lately (issued here, or consumed by the live
 * feed), at most `limits.commands` commands: the oldest goes first. They answer for what
 * QuestDB has not applied yet; anything evicted is long in QuestDB.
 *
 * Only a command record creates an entry. Events of unknown ids wait in a separate, smaller
 * bounded map, so a flood of acks with random ids evicts other unknown ids, never a real command;
 * an event whose meter is not the command's meter is ignored, both on arrival and when a waiting
 * event is adopted by its record.
 */
export function createRecentCommands(limits: number | RecentCommandsLimits): RecentCommands {
  const { commands: limit, orphans: orphanLimit = 1000, eventsPerCommand = 16 } = typeof limits === 'number' ? { commands: limits } : limits;
  const map = new Map<string, RecentEntry>();
  const byMeter = new Map<string, Set<string>>();
  const orphans = new Map<string, { meterId: string; events: CommandEventLike[] }>();

  const push = (events: CommandEventLike[], event: CommandEventLike): void => {
    if (events.length >= eventsPerCommand) return;
    if (!events.some((x) => x.state === event.state && x.at === event.at)) events.push(event);
  };

  return {
    get: (commandId) => map.get(commandId),
    putRecord(record) {
      const known = map.get(record.commandId);
      if (known) return known;
      const e: RecentEntry = { commandId: record.commandId, meterId: record.meterId, record, events: [] };
      const waiting = orphans.get(record.commandId);
      if (waiting) {
        orphans.delete(record.commandId);
        if (waiting.meterId === record.meterId) for (const event of waiting.events) push(e.events, event);
      }
      map.set(record.commandId, e);
      let ids = byMeter.get(record.meterId);
      if (!ids) byMeter.set(record.meterId, (ids = new Set()));
      ids.add(record.commandId);
      while (map.size > limit) {
        const oldest = map.values().next().value as RecentEntry;
        map.delete(oldest.commandId);
        const set = byMeter.get(oldest.meterId);
        set?.delete(oldest.commandId);
        if (set?.size === 0) byMeter.delete(oldest.meterId);
      }
      return e;
    },
    addEvent(commandId, meterId, event) {
      const e = map.get(commandId);
      if (e) {
        if (e.meterId !== meterId) return undefined;
        push(e.events, event);
        return e;
      }
      let waiting = orphans.get(commandId);
      if (waiting && waiting.meterId !== meterId) return undefined;
      if (!waiting) {
        orphans.set(commandId, (waiting = { meterId, events: [] }));
        if (orphans.size > orphanLimit) orphans.delete(orphans.keys().next().value as string);
      }
      push(waiting.events, event);
      return undefined;
    },
    ofMeter(meterId) {
      return [...(byMeter.get(meterId) ?? [])].map((id) => map.get(id)!);
    },
    entries: () => map.values(),
    get size() {
      return map.size;
    },
  };
}
