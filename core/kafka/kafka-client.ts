/**
 * The one module that imports kafkajs (kafkajs is in maintenance mode: keeping it behind
 * this one module keeps it swappable). Everything else sees the small types below.
 */
import { ConfigResourceTypes, ConfigSource, Kafka, KafkaJSError, logLevel, Partitioners, type Admin, type Consumer, type ICustomPartitioner, type PartitionMetadata, type Producer } from 'kafkajs';
import { MeterflowError } from '../errors';
import type { Logger } from '../logger';
import type { KafkaTopicSpec } from '../contracts/kafka-topics';

/** Group membership timing (kafkajs' defaults, written down because the lease below depends on them). */
export const sessionTimeoutMs = 30_000;
const heartbeatIntervalMs = 3_000;
/** How long after the coordinator last confirmed it a member still counts as owning its partitions. */
const membershipLeaseMs = sessionTimeoutMs / 3;

export interface OutgoingRecord {
  topic: string;
  key: string;
  /**
   * The partition, when the caller chose it (it grouped records by partition itself); else the
   * default partitioner places the record by its key.
   */
  partition?: number;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface IncomingRecord {
  key: string | null;
  value: Buffer | null;
  offset: string;
  /** Kafka's record timestamp, epoch ms. */
  timestamp: number;
}

export interface IncomingBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
}

export interface KafkaClient {
  /** Sends records in one request, acks=all; resolves when Kafka has acknowledged all of them. */
  createProducer(): Promise<RawProducer>;
  createConsumer(options: RawConsumerOptions): Promise<RawConsumer>;
  ensureTopics(topics: KafkaTopicSpec[]): Promise<void>;
  /** How many partitions a topic has now (it must exist). */
  partitionCount(topic: string): Promise<number>;
  /** Grows a topic to `count` partitions (an operator's step; meters whose partition changes move). */
  addPartitions(topic: string, count: number): Promise<void>;
  /** Deletes topics (those missing are ignored). */
  deleteTopics(names: string[]): Promise<void>;
  /** Moves a stopped group's committed offsets back to the start of a topic (replays). */
  resetGroupOffsets(groupId: string, topic: string): Promise<void>;
  /** Sum over partitions of (high watermark − committed offset). */
  groupLag(groupId: string, topic: string): Promise<number>;
  /** The topics' current values of `configNames` (broker defaults included); topics that do not exist are left out. */
  topicConfigs(topics: string[], configNames: string[]): Promise<Map<string, Record<string, string>>>;
  /** Sets topic-level configs of an existing topic, keeping its other topic-level overrides. */
  alterTopicConfigs(topic: string, configs: Record<string, string>): Promise<void>;
}

export interface RawProducer {
  sendBatch(records: OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface RawConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  /**
   * Called with each fetched batch, one at a time; may buffer its output until `flush`. May
   * resolve with how many units of work (rows) the batch made, which flushRecords then counts
   * instead of records: a record can carry many readings.
   */
  handle(batch: IncomingBatch, control: { heartbeat(): Promise<void>; isCurrent(): boolean }): Promise<void | number>;
  /**
   * Makes the output of every batch handled so far durable. The handled batches' offsets are
   * committed only after it resolves. If it rejects, it must have dropped its buffered output:
   * the consumer rewinds those partitions and the records are handled again. Resolving with
   * `{ commit: false }` keeps the offsets for the commit of a later flush.
   * Default: nothing to flush (handle's output is durable when it resolves).
   * `control.confirmMembership()` resolves only while this member certainly still owns its
   * partitions: call it right before a write that must not come from a member the group has
   * evicted (a state checkpoint), and let its rejection fail the flush.
   */
  flush?(control: FlushControl): Promise<void | FlushOutcome>;
  /** Flush once this many records (or units handle reported) are handled but not flushed. @default 1 (every batch) */
  flushRecords?: number;
  /** Flush buffered records at the latest this long after the oldest was handled. @default 200 */
  flushIntervalMs?: number;
  /** Called when this member (re)joins the group: partitions may have moved. */
  onRebalance?(): void;
}

export interface FlushControl {
  /**
   * Resolves when the group has heard from this member within the last third of its session
   * timeout (heartbeating first when needed), so the broker cannot have handed its partitions
   * to another member yet; rejects otherwise (the member was frozen or lost the group).
   */
  confirmMembership(): Promise<void>;
}

export interface FlushOutcome {
  /** false: do not commit these offsets yet. */
  commit: boolean;
}

export interface RawConsumer {
  disconnect(): Promise<void>;
}

export function createKafkaClient(options: { brokers: string[]; clientId: string; logger: Logger }): KafkaClient {
  const log = options.logger;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      // kafkajs' own timestamp and logger name repeat the line's time and component.
      const fields: Record<string, unknown> = { namespace, ...entry };
      delete fields.message;
      delete fields.timestamp;
      delete fields.logger;
      const message = entry.message;
      if (level <= logLevel.ERROR) log.error(message, fields);
      else log.warn(message, fields);
    },
    retry: { initialRetryTime: 100, retries: 8 },
  });

  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  };

  return {
    async createProducer() {
      // Idempotent with one request in flight: kafkajs's idempotent producer may reorder or drop
      // when concurrent sends outnumber partitions (kafkajs #1005, #598), so callers keep one
      // sendBatch at a time and batch themselves.
      // Unlimited retries keep the idempotent sequence numbers (so Kafka drops resent duplicates);
      // non-retriable errors still fail at once and reach the caller's own retry loop.
      const newProducer = (): Producer =>
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: knownPartitionsOnly,
          retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5000 },
        });
      let producer = newProducer();
      await connectOrFail(producer.connect(), options.brokers);
      /**
       * After the broker refuses a request, kafkajs's idempotent producer and the broker disagree
       * on the partition's sequence number, and every later request to that partition fails
       * with OUT_OF_ORDER_SEQUENCE_NUMBER, forever (seen here: one oversize dead letter stopped
       * a bridge). A fresh producer gets a new producer id and starts its sequences at zero;
       * nothing is doubled, since the refused request was not written.
       */
      const renew = async () => {
        const old = producer;
        producer = newProducer();
        await old.disconnect().catch(() => undefined);
        await producer.connect();
      };
      return {
        async sendBatch(records) {
          const byTopic = new Map<string, { key: string; value: string | Buffer; headers?: Record<string, string>; partition?: number }[]>();
          for (const r of records) {
            let list = byTopic.get(r.topic);
            if (!list) byTopic.set(r.topic, (list = []));
            list.push(r.partition === undefined ? { key: r.key, value: r.value, headers: r.headers } : { key: r.key, value: r.value, headers: r.headers, partition: r.partition });
          }
          try {
            await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          } catch (error) {
            const rejection = asRecordRejection(error);
            const type = protocolErrorType(error);
            if (rejection || (type && sequenceErrors.has(type))) {
              await renew().catch((renewError: unknown) => log.warn('could not renew the Kafka producer; retrying later', { error: renewError }));
            }
            if (rejection) throw rejection;
            if (type && sequenceErrors.has(type)) {
              throw new MeterflowError('KAFKA_UNAVAILABLE', `Kafka lost track of the producer's sequence (${type}); retrying with a new producer`, { retriable: true, cause: error });
            }
            throw error;
          }
        },
        disconnect: () => producer.disconnect(),
      };
    },

    async createConsumer(opts) {
      const consumer: Consumer = kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, sessionTimeout: sessionTimeoutMs, heartbeatInterval: heartbeatIntervalMs });
      await connectOrFail(consumer.connect(), options.brokers);
      // A topic another instance has just created may not have its leader yet ("does not host
      // this topic-partition", retriable): wait for it (bounded), as ensureTopics does, instead of
      // failing start-up when two replicas start together.
      for (let delayMs = 200, deadline = Date.now() + 30_000; ; delayMs = Math.min(delayMs * 2, 3000)) {
        try {
          await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning });
          break;
        } catch (error) {
          if ((error as { retriable?: boolean }).retriable !== true || Date.now() + delayMs > deadline) {
            await consumer.disconnect();
            throw error;
          }
          log.warn('subscribing failed; retrying', { groupId: opts.groupId, topics: opts.topics, retryInMs: delayMs, error });
          await new Promise((r) => setTimeout(r, delayMs));
        }
      }
      /** When the group coordinator last confirmed this member (a heartbeat answered, or a join). */
      let confirmedAt = 0;
      consumer.on(consumer.events.HEARTBEAT, () => {
        confirmedAt = Date.now();
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        confirmedAt = Date.now();
        opts.onRebalance?.();
      });
      const flushRecords = opts.flushRecords ?? 1;
      const flushIntervalMs = opts.flushIntervalMs ?? 200;
      // Group commit: batches of several partitions share one flush (one QuestDB transaction
      // instead of one per partition batch), then their offsets are committed together.
      /** topic|partition → first offset handled since the last commit, and the offset to commit next. */
      const pending = new Map<string, { topic: string; partition: number; from: string; next: string }>();
      let pendingRecords = 0;
      let oldestPendingAt = 0;
      let backoffMs = 100;
      /** The group heartbeat of the latest batch: checks, before a flush, that this member still owns its partitions. */
      let lastHeartbeat: (() => Promise<void>) | null = null;
      // A lease on the partitions: the broker evicts a member sessionTimeout after the last
      // heartbeat it received, so within a third of it (heartbeat sent before the answer came)
      // no other member can have been given them. The pre-flush heartbeat alone leaves the whole
      // flush unfenced: a member frozen in the middle of it (SIGSTOP, a GC pause) wrote its stale
      // state checkpoint, on thawing, over the newer one of the member that took its partitions.
      const control: FlushControl = {
        async confirmMembership() {
          if (Date.now() - confirmedAt < membershipLeaseMs) return;
          await lastHeartbeat?.(); // sent: heartbeatInterval has passed since the last one
          if (Date.now() - confirmedAt >= membershipLeaseMs) {
            throw new MeterflowError('PROCESSOR_REBALANCED', 'this member could not confirm it still owns its partitions; dropping the flush', { retriable: true });
          }
        },
      };
      let chain: Promise<unknown> = Promise.resolve();
      const serial = <T>(fn: () => Promise<T>): Promise<T> => {
        const run = chain.then(fn);
        chain = run.catch(() => undefined);
        return run;
      };

      const flushNow = () =>
        serial(async () => {
          if (pending.size === 0) return;
          const offsets = [...pending.values()];
          pending.clear();
          pendingRecords = 0;
          let outcome: FlushOutcome | void;
          try {
            // Fence: a member that was frozen (SIGSTOP, a long GC pause) past its session timeout
            // must not write outputs or a state checkpoint over those of the member that took its
            // partitions. The heartbeat (sent when heartbeatInterval has passed) fails with
            // REBALANCE_IN_PROGRESS or UNKNOWN_MEMBER_ID then, and this flush is dropped instead.
            await lastHeartbeat?.();
            outcome = await opts.flush?.(control);
            backoffMs = 100;
          } catch (error) {
            log.warn('flush failed; re-reading the partitions from their last commit', { groupId: opts.groupId, partitions: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.from })), retryInMs: backoffMs, error });
            await new Promise((r) => setTimeout(r, backoffMs));
            backoffMs = Math.min(backoffMs * 2, 5000);
            for (const o of offsets) {
              try {
                consumer.seek({ topic: o.topic, partition: o.partition, offset: o.from });
              } catch {
                // not ours any more after a rebalance: its new owner starts from the last commit
              }
            }
            return;
          }
          if (outcome && !outcome.commit) {
            // Durable but not yet to be committed (e.g. state not checkpointed): keep for a later flush.
            for (const o of offsets) {
              const key = `${o.topic}|${o.partition}`;
              const newer = pending.get(key);
              pending.set(key, newer ? { ...newer, from: o.from } : o);
            }
            return;
          }
          // A failed commit (e.g. a rebalance moved the partition) only means a replay, which is idempotent.
          await consumer
            .commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.next })))
            .catch((error: Error) => log.warn('offset commit failed; those records will be replayed', { groupId: opts.groupId, partitions: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.next })), error }));
        });

      const timer = setInterval(() => {
        if (pending.size > 0 && Date.now() - oldestPendingAt >= flushIntervalMs) void flushNow();
      }, Math.max(10, Math.floor(flushIntervalMs / 2)));

      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          lastHeartbeat = heartbeat;
          if (batch.messages.length === 0) return;
          const handled = await serial(async () => {
            if (!isRunning() || isStale()) return false; // partition moved away: the next owner redoes it
            const units = await opts.handle(
              {
                topic: batch.topic,
                partition: batch.partition,
                records: batch.messages.map((m) => ({ key: m.key ? m.key.toString() : null, value: m.value, offset: m.offset, timestamp: Number(m.timestamp) })),
              },
              { heartbeat, isCurrent: () => isRunning() && !isStale() },
            );
            const key = `${batch.topic}|${batch.partition}`;
            const next = (BigInt(batch.lastOffset()) + 1n).toString();
            const entry = pending.get(key);
            if (entry) entry.next = next;
            else pending.set(key, { topic: batch.topic, partition: batch.partition, from: batch.firstOffset() ?? batch.messages[0]!.offset, next });
            if (pendingRecords === 0) oldestPendingAt = Date.now();
            pendingRecords += typeof units === 'number' ? units : batch.messages.length;
            return true;
          });
          if (!handled) return;
          resolveOffset(batch.lastOffset());
          if (pendingRecords >= flushRecords || Date.now() - oldestPendingAt >= flushIntervalMs) await flushNow();
        },
      });
      return {
        async disconnect() {
          clearInterval(timer);
          await flushNow();
          await consumer.disconnect();
        },
      };
    },

    ensureTopics: (topics) =>
      withAdmin(async (admin) => {
        // A broker that has just started with many partitions answers "does not host this
        // topic-partition" while it loads them: retriable, so wait (bounded) instead of failing start-up.
        const deadline = Date.now() + 60_000;
        for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 3000)) {
          try {
            const existing = new Set(await admin.listTopics());
            const missing = topics.filter((t) => !existing.has(t.name));
            if (missing.length === 0) return;
            await admin.createTopics({
              waitForLeaders: true,
              topics: missing.map((t) => ({
                topic: t.name,
                numPartitions: t.partitions,
                replicationFactor: -1, // the broker's default: 1 on the local stack, 3 on a cluster
                configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
              })),
            });
            return;
          } catch (error) {
            if ((error as { retriable?: boolean }).retriable !== true || Date.now() + delayMs > deadline) throw error;
            log.warn('creating topics failed; retrying', { topics: topics.map((t) => t.name), retryInMs: delayMs, error });
            await new Promise((r) => setTimeout(r, delayMs));
          }
        }
      }),

    partitionCount: (topic) =>
      withAdmin(async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const count = topics[0]?.partitions.length ?? 0;
        if (count === 0) throw new MeterflowError('KAFKA_UNAVAILABLE', `topic ${topic} has no partitions in the cluster's metadata`, { retriable: true });
        return count;
      }),

    addPartitions: (topic, count) =>
      withAdmin(async (admin) => {
        await admin.createPartitions({ topicPartitions: [{ topic, count }] });
      }),

    deleteTopics: (names) =>
      withAdmin(async (admin) => {
        const existing = new Set(await admin.listTopics());
        const present = names.filter((n) => existing.has(n));
        if (present.length > 0) await admin.deleteTopics({ topics: present });
      }),

    resetGroupOffsets: (groupId, topic) => withAdmin((admin) => admin.resetOffsets({ groupId, topic, earliest: true })),

    topicConfigs: (topics, configNames) =>
      withAdmin(async (admin) => {
        const existing = new Set(await admin.listTopics());
        const present = topics.filter((t) => existing.has(t));
        const out = new Map<string, Record<string, string>>();
        if (present.length === 0) return out;
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames })),
        });
        for (const r of resources) out.set(r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])));
        return out;
      }),

    alterTopicConfigs: (topic, configs) =>
      withAdmin(async (admin) => {
        // AlterConfigs (the request kafkajs sends) replaces the topic's whole override set: an
        // override left out reverts to the broker default. So send the current ones with the change.
        const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
        const overrides = (resources[0]?.configEntries ?? []).filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.readOnly);
        const merged = { ...Object.fromEntries(overrides.map((e) => [e.configName, e.configValue])), ...configs };
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })) }],
        });
      }),

    groupLag: (groupId, topic) =>
      withAdmin(async (admin) => {
        // Committed first, high watermarks second: the high watermark only grows, so each
        // partition's lag is read as >= 0 even while the group commits in between (it went negative).
        const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
        const high = await admin.fetchTopicOffsets(topic);
        const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        let lag = 0n;
        for (const p of high) {
          const done = committedByPartition.get(p.partition) ?? -1n;
          const behind = BigInt(p.high) - (done < 0n ? BigInt(p.low) : done);
          if (behind > 0n) lag += behind;
        }
        return Number(lag);
      }),
  };
}

/**
 * The default partitioner, except that a record sent to a partition this producer's metadata
 * does not list yet (partitions just added to the topic) fails the attempt as "metadata not
 * loaded": kafkajs then refreshes its metadata and retries. Left alone, kafkajs finds no leader
 * for that partition, skips its records and still resolves the send: they would be lost.
 */
const knownPartitionsOnly: ICustomPartitioner = () => {
  const byKey = Partitioners.DefaultPartitioner();
  return (args) => {
    const chosen = args.message.partition;
    if (chosen !== undefined && chosen !== null && !args.partitionMetadata.some((p) => p.partitionId === chosen)) {
      const error = new KafkaJSError(`partition ${chosen} of ${args.topic} is not in the producer's metadata yet`, { retriable: true });
      // The name kafkajs' send retries on after refreshing its metadata.
      Object.defineProperty(error, 'name', { value: 'KafkaJSMetadataNotLoaded' });
      throw error;
    }
    return byKey(args);
  };
};

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default partitioner (murmur2 of the key, as the Java client) gives a
 * key on a topic of `partitions` partitions: a producer that groups records itself uses it to
 * keep every key on the partition a keyed record would have gone to.
 */
export function defaultPartitionOf(key: string, partitions: number): number {
  let partitionMetadata = metadataByCount.get(partitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    metadataByCount.set(partitions, partitionMetadata);
  }
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
const metadataByCount = new Map<number, PartitionMetadata[]>();

async function connectOrFail(connecting: Promise<void>, brokers: string[]): Promise<void> {
  try {
    await connecting;
  } catch (error) {
    throw new MeterflowError('KAFKA_UNAVAILABLE', `cannot connect to Kafka at ${brokers.join(',')}: ${(error as Error).message} (is the stack up? npm run stack -- up)`, {
      retriable: true,
      cause: error,
    });
  }
}

/** Protocol errors that retrying the same request can never cure. */
const recordRejections = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** Errors after which the producer's idempotence state is out of step with the broker's. */
const sequenceErrors = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'DUPLICATE_SEQUENCE_NUMBER']);

/** The Kafka protocol error type, looked for down the causes: kafkajs's retrier wraps it in a KafkaJSNonRetriableError. */
function protocolErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}

function asRecordRejection(error: unknown): MeterflowError | null {
  const type = protocolErrorType(error);
  if (!type || !recordRejections.has(type)) return null;
  return new MeterflowError('KAFKA_RECORD_REJECTED', `Kafka refused the records: ${type}`, { retriable: false, cause: error });
}
