import type { Command, CommandEvent, KafkaTopics } from '../../core/contracts';
import { createKafkaClient, type IncomingBatch, type RawConsumer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import { isMeterflowError } from '../../core/errors';
import { decodeCommandEvent } from '../../core/streams/command-events';
import { decodeCommand } from '../../core/streams/commands';
import type { AlertFilter, LiveFeed } from './live-feed';
import { decodeReadingsRecord } from '../../core/streams/readings';
import { decodeEdgeStats, toStoredEdgeStats, type StoredEdgeStats } from '../../core/streams/edge-statistics';
import { decodeLiveAlert, toLiveReading, type LiveAlert, type LiveReading } from './live-records';
import { createSubscriberQueue, type SubscriberQueue } from './subscriber-queue';

export interface LiveFeedOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  /** Unique per process: the feed's consumer group is its own, every instance sees every event. */
  instanceId: string;
  logger: Logger;
  /** Events a subscriber may fall behind before the oldest are dropped. @default 1000 */
  queueLimit?: number;
}

/**
 * One Kafka consumer (group `meterflow-live-<instanceId>`, new per process, so it starts at
 * the end of every topic) fans records out to subscribers. Readings are keyed by meter id: a
 * record is decoded only when someone follows its meter, so an idle feed costs little more
 * than the fetch. Kafka offsets are committed as usual; they matter to no one (the group dies
 * with the process).
 */
export async function createLiveFeed(options: LiveFeedOptions): Promise<LiveFeed> {
  const log = options.logger;
  const { topics } = options.kafka;
  const queueLimit = options.queueLimit ?? 1000;
  const readingSubs = new Map<string, Set<SubscriberQueue<LiveReading>>>();
  const edgeStatsSubs = new Map<string, Set<SubscriberQueue<StoredEdgeStats>>>();
  const alertSubs = new Set<{ filter: AlertFilter; queue: SubscriberQueue<LiveAlert> }>();
  const commandListeners = new Set<(command: Command) => void>();
  const eventListeners = new Set<(event: CommandEvent) => void>();
  let dropped = 0;
  let invalid = 0;
  const onDrop = () => {
    dropped += 1;
  };

  const safely = <T>(listener: (value: T) => void, value: T) => {
    try {
      listener(value);
    } catch (error) {
      log.error('live listener failed', { error });
    }
  };
  const skip = (batch: IncomingBatch, offset: string) => {
    invalid += 1;
    log.warn('live feed skipped a record not of its topic\'s shape', { topic: batch.topic, partition: batch.partition, offset });
  };

  // The stream's codec refuses a malformed record with STREAM_RECORD_INVALID: skipped, never fanned out.
  const orSkipped = <T>(decode: () => T): T | null => {
    try {
      return decode();
    } catch (error) {
      if (isMeterflowError(error, 'STREAM_RECORD_INVALID')) return null;
      throw error;
    }
  };

  const handle = async (batch: IncomingBatch): Promise<void> => {
    if (batch.topic === topics.readings.name) {
      // A record holds a micro-batch of readings of many meters (core/streams/readings.ts): decode only while someone follows a meter.
      if (readingSubs.size === 0) return;
      for (const record of batch.records) {
        const decoded = decodeReadingsRecord(record.value);
        if (!decoded.ok || decoded.unreadable.length > 0) skip(batch, record.offset);
        if (!decoded.ok) continue;
        for (const { reading } of decoded.readings) {
          const subs = readingSubs.get(reading.meterId);
          if (!subs || subs.size === 0) continue;
          const live = toLiveReading(reading);
          for (const q of subs) q.push(live);
        }
      }
    } else if (batch.topic === topics.edgeStats.name) {
      // Keyed by meter id: decoded only when someone follows that meter.
      if (edgeStatsSubs.size === 0) return;
      for (const record of batch.records) {
        const subs = record.key === null ? undefined : edgeStatsSubs.get(record.key);
        if (!subs || subs.size === 0) continue;
        const stats = orSkipped(() => decodeEdgeStats(record.value));
        if (!stats) skip(batch, record.offset);
        else if (stats.meterId === record.key) for (const q of subs) q.push(toStoredEdgeStats(stats));
      }
    } else if (batch.topic === topics.alerts.name) {
      if (alertSubs.size === 0) return;
      for (const record of batch.records) {
        const alert = decodeLiveAlert(record.value);
        if (!alert) {
          skip(batch, record.offset);
          continue;
        }
        for (const { filter, queue } of alertSubs) {
          if ((filter.meterId === null || filter.meterId === alert.meterId) && (filter.sector === null || filter.sector === alert.sector) && (!filter.meterIds || filter.meterIds.has(alert.meterId))) queue.push(alert);
        }
      }
    } else if (batch.topic === topics.commands.name) {
      for (const record of batch.records) {
        const command = orSkipped(() => decodeCommand(record.value));
        if (!command) skip(batch, record.offset);
        else for (const l of commandListeners) safely(l, command);
      }
    } else if (batch.topic === topics.commandAcks.name) {
      for (const record of batch.records) {
        const event = orSkipped(() => decodeCommandEvent(record.value));
        if (!event) skip(batch, record.offset);
        else for (const l of eventListeners) safely(l, event);
      }
    }
  };

  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: `meterflow-live-${options.instanceId}`, logger: log.child('kafka') });
  const feedTopics = [topics.readings, topics.edgeStats, topics.alerts, topics.commands, topics.commandAcks];
  await kafka.ensureTopics(feedTopics);
  const groupId = `meterflow-live-${options.instanceId}`;
  // fromBeginning false on a group that has never committed: each partition starts at its end,
  // resolved by the first fetch right after the join that createConsumer awaits.
  const consumer: RawConsumer = await kafka.createConsumer({ groupId, topics: feedTopics.map((t) => t.name), fromBeginning: false, handle });
  let stopped = false;
  log.info('live feed started', { groupId });

  return {
    readings(meterId) {
      const queue: SubscriberQueue<LiveReading> = createSubscriberQueue<LiveReading>({
        limit: queueLimit,
        onDrop,
        onClose: () => {
          const subs = readingSubs.get(meterId);
          subs?.delete(queue);
          if (subs?.size === 0) readingSubs.delete(meterId);
        },
      });
      if (stopped) queue.end();
      else {
        let subs = readingSubs.get(meterId);
        if (!subs) readingSubs.set(meterId, (subs = new Set()));
        subs.add(queue);
      }
      return queue.subscription;
    },
    edgeStatistics(meterId) {
      const queue: SubscriberQueue<StoredEdgeStats> = createSubscriberQueue<StoredEdgeStats>({
        limit: queueLimit,
        onDrop,
        onClose: () => {
          const subs = edgeStatsSubs.get(meterId);
          subs?.delete(queue);
          if (subs?.size === 0) edgeStatsSubs.delete(meterId);
        },
      });
      if (stopped) queue.end();
      else {
        let subs = edgeStatsSubs.get(meterId);
        if (!subs) edgeStatsSubs.set(meterId, (subs = new Set()));
        subs.add(queue);
      }
      return queue.subscription;
    },
    alerts(filter) {
      const entry = { filter, queue: createSubscriberQueue<LiveAlert>({ limit: queueLimit, onDrop, onClose: () => alertSubs.delete(entry) }) };
      if (stopped) entry.queue.end();
      else alertSubs.add(entry);
      return entry.queue.subscription;
    },
    onCommand(listener) {
      commandListeners.add(listener);
      return () => commandListeners.delete(listener);
    },
    onCommandEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    stats() {
      let subscribers = alertSubs.size;
      for (const subs of readingSubs.values()) subscribers += subs.size;
      for (const subs of edgeStatsSubs.values()) subscribers += subs.size;
      return { subscribers, dropped, invalid };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const subs of [...readingSubs.values()]) for (const q of [...subs]) q.end();
      for (const subs of [...edgeStatsSubs.values()]) for (const q of [...subs]) q.end();
      for (const { queue } of [...alertSubs]) queue.end();
      commandListeners.clear();
      eventListeners.clear();
      await consumer.disconnect();
      log.info('live feed stopped', { dropped });
    },
  };
}
