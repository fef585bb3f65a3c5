import type { CommandRecord } from './command-record';
import type { CommandEventLike } from './command-view';

export interface RecentEntry {
  commandId: string;
  meterId: string;
  /** null while only events are known (a command issued before this process started). */
  record: CommandRecord | null;
  events: CommandEventLike[];
}

export interface RecentCommands {
  get(commandId: string): RecentEntry | undefined;
  /** Records the command; a second record for the same id is ignored (the first is the command). Returns the entry. */
  putRecord(record: CommandRecord): RecentEntry;
  addEvent(commandId: string, meterId: string, event: CommandEventLike): RecentEntry;
  /** Entries of one meter that have a record. */
  ofMeter(meterId: string): RecentEntry[];
  entries(): IterableIterator<RecentEntry>;
  readonly size: number;
}

/**
 * The commands and events this process has seen lately (issued here, or consumed by the live
 * feed), at most `limit` commands: the oldest entry goes first. They answer for what QuestDB
 * has not applied yet; anything evicted is long in QuestDB.
 */
export function createRecentCommands(limit: number): RecentCommands {
  const map = new Map<string, RecentEntry>();
  const byMeter = new Map<string, Set<string>>();

  const entry = (commandId: string, meterId: string): RecentEntry => {
    let e = map.get(commandId);
    if (!e) {
      e = { commandId, meterId, record: null, events: [] };
      map.set(commandId, e);
      let ids = byMeter.get(meterId);
      if (!ids) byMeter.set(meterId, (ids = new Set()));
      ids.add(commandId);
      while (map.size > limit) {
        const oldest = map.values().next().value as RecentEntry;
        map.delete(oldest.commandId);
        const set = byMeter.get(oldest.meterId);
        set?.delete(oldest.commandId);
        if (set?.size === 0) byMeter.delete(oldest.meterId);
      }
    }
    return e;
  };

  return {
    get: (commandId) => map.get(commandId),
    putRecord(record) {
      const e = entry(record.commandId, record.meterId);
      if (!e.record) e.record = record;
      return e;
    },
    addEvent(commandId, meterId, event) {
      const e = entry(commandId, meterId);
      if (!e.events.some((x) => x.state === event.state && x.at === event.at)) e.events.push(event);
      return e;
    },
    ofMeter(meterId) {
      return [...(byMeter.get(meterId) ?? [])].map((id) => map.get(id)!).filter((e) => e.record !== null);
    },
    entries: () => map.values(),
    get size() {
      return map.size;
    },
  };
}
