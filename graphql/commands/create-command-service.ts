import type { CommandEvent, KafkaTopics } from '../../core/contracts';
import { createKafkaClient } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { apiError, notFound } from '../errors';
import type { LiveFeed } from '../live/live-feed';
import { createSubscriberQueue, type SubscriberQueue } from '../live/subscriber-queue';
import { buildCommand, commandRecordOf, type CommandRecord } from './command-record';
import type { CommandService, CommandView, MeterStatusView } from './command-service';
import { createCommandSequence } from './command-sequence';
import { createCommandStore } from './command-store';
import { deriveCommandView, isFinal, type CommandEventLike } from './command-view';
import { meterStatusOf, type AppliedSwitch } from './meter-status';
import { createRecentCommands, type RecentEntry } from './recent-commands';

export interface CommandServiceOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: QuestdbPool;
  live: LiveFeed;
  logger: Logger;
  /** How long after expiresAt a command with no answer is reported EXPIRED (an answer may be in flight). @default 5000 */
  expiryGraceMs?: number;
  /** Commands kept in memory for state not yet in QuestDB. @default 10000 */
  recentLimit?: number;
  /** How long issue() waits for Kafka before answering UNAVAILABLE. @default 10000 */
  sendTimeoutMs?: number;
  /** Views a slow commandUpdates subscriber may fall behind. @default 1000 */
  queueLimit?: number;
  /** How long a device answer waits for the DELIVERED event it overtook. @default 1000 */
  reorderWindowMs?: number;
  now?: () => number;
}

/**
 * Commands go to the commands topic (key: meter id) with the idempotent producer. State comes
 * from two places: the live feed's consumption of the commands and command-acks topics (every
 * API instance sees every event; kept for the last `recentLimit` commands) and QuestDB's
 * commands/command_events tables (written by the processors' command log, visible after
 * WAL apply). Reads merge both: memory covers what QuestDB has not applied yet.
 */
export async function createCommandService(options: CommandServiceOptions): Promise<CommandService> {
  const log = options.logger;
  const now = options.now ?? Date.now;
  const graceMs = options.expiryGraceMs ?? 5000;
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  const queueLimit = options.queueLimit ?? 1000;
  const reorderWindowMs = options.reorderWindowMs ?? 1000;
  const { topics } = options.kafka;
  const recent = createRecentCommands(options.recentLimit ?? 10_000);
  const store = createCommandStore(options.questdb);
  const sequence = createCommandSequence(now);

  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-graphql-commands', logger: log.child('kafka') });
  await kafka.ensureTopics([topics.commands, topics.commandAcks]);
  const producer = await kafka.createProducer();
  // kafka-client's idempotent producer wants one sendBatch in flight at a time.
  let sending: Promise<unknown> = Promise.resolve();

  const watchers = new Set<{ meterId: string | null; queue: SubscriberQueue<CommandView> }>();
  const waiters = new Map<string, Set<(view: CommandView) => void>>();
  /** Ids in memory with a record and no final state: the expiry sweep looks at these. */
  const open = new Set<string>();
  /** What was last published per command (state and steps), so a repeated event publishes nothing. */
  const published = new Map<string, string>();
  const inFlight = new Map<string, Promise<CommandView>>();

  const memoryView = (entry: RecentEntry | undefined): CommandView | null => (entry?.record ? deriveCommandView(entry.record, entry.events, now(), graceMs) : null);

  /** Publishes a command's new state to watchers and waiters. */
  const changed = (entry: RecentEntry) => {
    const view = memoryView(entry);
    if (!view) return;
    const final = isFinal(view.state);
    if (final) open.delete(view.commandId);
    else open.add(view.commandId);
    const key = `${view.state}/${view.history.length}`;
    if (published.get(view.commandId) === key) return;
    published.set(view.commandId, key);
    if (published.size > 2 * (options.recentLimit ?? 10_000)) published.delete(published.keys().next().value as string);
    for (const w of watchers) if (w.meterId === null || w.meterId === view.meterId) w.queue.push(view);
    if (final) for (const wake of waiters.get(view.commandId) ?? []) wake(view);
  };

  const remember = (record: CommandRecord) => {
    const isNew = !recent.get(record.commandId)?.record;
    const entry = recent.putRecord(record);
    if (isNew) changed(entry);
  };
  const unsubscribeCommands = options.live.onCommand((command) => remember(commandRecordOf(command)));
  /** Device answers waiting for their DELIVERED event (see below), by command id. */
  const held = new Map<string, { event: CommandEvent; timer: NodeJS.Timeout }>();
  const apply = (event: CommandEvent) => {
    // Unknown ids and other meters' commands come back undefined: nothing to publish.
    const entry = recent.addEvent(event.commandId, event.meterId, { state: event.state, source: event.source, at: event.at, reason: event.reason ?? null });
    if (entry) changed(entry);
  };
  const release = (commandId: string) => {
    const h = held.get(commandId);
    if (!h) return;
    held.delete(commandId);
    clearTimeout(h.timer);
    apply(h.event);
  };
  const unsubscribeEvents = options.live.onCommandEvent((event) => {
    // The bridge produces DELIVERED after the broker's PUBACK, so the device's answer (another
    // path) can reach Kafka first. An answer implies delivery: hold it briefly for the DELIVERED
    // event so waiters and subscribers see the steps in causal order.
    const entry = recent.get(event.commandId);
    if (event.source === 'device' && entry && entry.meterId === event.meterId && !entry.events.some((e) => e.state === 'delivered') && !held.has(event.commandId)) {
      held.set(event.commandId, { event, timer: setTimeout(() => release(event.commandId), reorderWindowMs) });
      return;
    }
    apply(event);
    if (event.state === 'delivered') release(event.commandId);
  });

  // Nothing reports the expiry of a command whose meter never came back: derive it when it is due.
  const sweep = setInterval(() => {
    const t = now();
    for (const id of [...open]) {
      const entry = recent.get(id);
      if (!entry?.record) open.delete(id);
      else if (t > entry.record.expiresAt + graceMs) changed(entry);
    }
  }, 1000);
  sweep.unref();

  const mergeEvents = (a: readonly CommandEventLike[], b: readonly CommandEventLike[]): CommandEventLike[] => {
    const out = [...a];
    for (const e of b) if (!out.some((x) => x.state === e.state && x.at === e.at)) out.push(e);
    return out;
  };

  const get = async (commandId: string): Promise<CommandView | null> => {
    const entry = recent.get(commandId);
    const fromMemory = memoryView(entry);
    if (fromMemory && isFinal(fromMemory.state)) return fromMemory;
    // Memory may lack events (the feed restarted, or the command predates this process).
    const stored = await store.get(commandId);
    const record = entry?.record ?? stored?.record;
    if (!record) return null;
    return deriveCommandView(record, mergeEvents(stored?.events ?? [], entry?.events ?? []), now(), graceMs);
  };

  const send = (value: string, meterId: string): Promise<void> => {
    const attempt = sending.then(() => producer.sendBatch([{ topic: topics.commands.name, key: meterId, value }]));
    sending = attempt.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${sendTimeoutMs} ms`)), sendTimeoutMs);
    });
    return Promise.race([attempt, timeout])
      .catch((error: unknown) => {
        log.error('command not sent', { meterId, error });
        throw apiError('UNAVAILABLE', 'Kafka did not take the command; retry with the same idempotencyKey (the command may still go out)');
      })
      .finally(() => clearTimeout(timer));
  };

  return {
    issue(input) {
      const running = inFlight.get(input.commandId);
      if (running) return running;
      const issuing = (async () => {
        // The same id again (an idempotent retry): the command exists, do not send it twice.
        const existing = await get(input.commandId);
        if (existing) return existing;
        const command = buildCommand(input, now(), sequence.next());
        await send(JSON.stringify(command), command.meterId);
        remember(commandRecordOf(command));
        log.info('command issued', { commandId: command.commandId, meterId: command.meterId, type: command.type, issuedBy: command.issuedBy });
        return memoryView(recent.get(command.commandId))!;
      })().finally(() => inFlight.delete(input.commandId));
      inFlight.set(input.commandId, issuing);
      return issuing;
    },

    async waitForFinal(commandId, timeoutMs) {
      let wake!: (view: CommandView) => void;
      const answered = new Promise<CommandView>((resolve) => {
        wake = resolve;
      });
      let set = waiters.get(commandId);
      if (!set) waiters.set(commandId, (set = new Set()));
      set.add(wake);
      const timer = setTimeout(() => {
        get(commandId).then(
          (view) => view && wake(view),
          () => undefined,
        );
      }, Math.max(0, timeoutMs));
      try {
        // Registered first, read second: an answer in between is not missed.
        const current = await get(commandId);
        if (!current) throw notFound('id', `no command ${JSON.stringify(commandId)}`);
        if (isFinal(current.state) || timeoutMs <= 0) return current;
        return await answered;
      } finally {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) waiters.delete(commandId);
      }
    },

    get,

    async list(meterId, limit) {
      const stored = await store.list(meterId, limit);
      const views = new Map<string, CommandView>();
      for (const s of stored) {
        const entry = recent.get(s.record.commandId);
        views.set(s.record.commandId, deriveCommandView(entry?.record ?? s.record, mergeEvents(s.events, entry?.events ?? []), now(), graceMs));
      }
      for (const entry of recent.ofMeter(meterId)) if (!views.has(entry.commandId)) views.set(entry.commandId, memoryView(entry)!);
      return [...views.values()].sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime() || (a.commandId < b.commandId ? 1 : -1)).slice(0, limit);
    },

    async meterStatuses(meterIds) {
      const byCommand = new Map<string, AppliedSwitch>();
      const add = (s: AppliedSwitch) => {
        const seen = byCommand.get(s.commandId);
        if (!seen || s.appliedAt < seen.appliedAt) byCommand.set(s.commandId, s);
      };
      for (const s of await store.appliedSwitches(meterIds)) add(s);
      for (const meterId of meterIds) {
        for (const entry of recent.ofMeter(meterId)) {
          const r = entry.record!;
          if (r.type !== 'block' && r.type !== 'unblock') continue;
          for (const e of entry.events) if (e.state === 'applied') add({ commandId: r.commandId, meterId, type: r.type, reason: r.reason, note: r.note, appliedAt: e.at });
        }
      }
      const perMeter = new Map<string, AppliedSwitch[]>(meterIds.map((id) => [id, []]));
      for (const s of byCommand.values()) perMeter.get(s.meterId)?.push(s);
      return new Map<string, MeterStatusView>([...perMeter].map(([id, list]) => [id, meterStatusOf(list)]));
    },

    watch(meterId) {
      const watcher = { meterId, queue: createSubscriberQueue<CommandView>({ limit: queueLimit, onClose: () => watchers.delete(watcher) }) };
      watchers.add(watcher);
      return watcher.queue.subscription;
    },

    async stop() {
      clearInterval(sweep);
      for (const id of [...held.keys()]) release(id);
      unsubscribeCommands();
      unsubscribeEvents();
      for (const w of [...watchers]) w.queue.end();
      // Waiting mutations answer with what is known now rather than hang.
      for (const [id, set] of waiters) {
        const view = memoryView(recent.get(id));
        if (view) for (const wake of set) wake(view);
      }
      await sending;
      await producer.disconnect();
    },
  };
}
