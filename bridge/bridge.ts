import type { MqttClient } from 'mqtt';
import { createDeadLetter, deadLetterKey, ingestSubscriptions, parseDeviceMessage, sharedSubscriptions, type CommandEvent, type DeviceMessageResult } from '../core/contracts';
import { startHealthServer, type HealthServer } from '../core/http/health-server';
import { createBatchingProducer, createKafkaClient, defaultPartitionOf, type BatchingProducer } from '../core/kafka';
import { createMetrics, type Metrics } from '../core/metrics';
import { startMetricsSampler } from '../core/metrics-sampler';
import { deliverWithDeferredAcks, type AckableMessage } from '../core/mqtt/deferred-acks';
import { connectMqtt } from '../core/mqtt/mqtt-connection';
import type { BridgeOptions } from './bridge-options';
import { startCommandRelay } from './command-relay';
import { createMeterRateLimit } from './meter-rate-limit';
import { createReadingsBatcher } from './readings-batcher';
import { refusedRecordDeadLetter } from './refused-record';

export interface Bridge {
  metrics: Metrics;
  /** The /health and /metrics port, when served. */
  httpPort: number | null;
  /** Stops taking messages, waits until every accepted one is in Kafka and acknowledged to the broker, disconnects. */
  stop(): Promise<void>;
}

/**
 * Devices → Kafka. Each MQTT message is validated; readings go to the readings topic in
 * micro-batch records of one partition each (readings-batcher.ts), edge statistics keyed by
 * meter id, refused messages to the dead-letter topic with their reason.
 * The QoS 1 PUBACK is sent only after Kafka acknowledged every record the message became
 * (acks=all), over a persistent session: a crash loses nothing, the broker redelivers.
 */
export async function createBridge(options: BridgeOptions): Promise<Bridge> {
  const log = options.logger;
  const { topics } = options.kafka;
  const metrics = createMetrics('meterflow_bridge');
  const received = metrics.counter('messages_received_total', 'MQTT messages received, by kind of topic');
  const produced = metrics.counter('records_produced_total', 'Records acknowledged by Kafka, by topic; for readings, each reading (however many share a Kafka record)');
  const deadLettered = metrics.counter('dead_letters_total', 'Refused messages or batch items, by reason');
  const produceErrors = metrics.counter('kafka_produce_errors_total', 'Failed produce attempts (each is retried)');
  const produceLatency = metrics.summary('kafka_produce_seconds', 'Kafka produce request latency');
  const refused = metrics.counter('kafka_records_refused_total', 'Records Kafka refused for good (too large, invalid), replaced by a KAFKA_REFUSED dead letter');
  const dropped = metrics.counter('kafka_records_dropped_total', 'Refused records whose dead letter Kafka refused too: only in the log');
  const rateLimited = metrics.counter('messages_rate_limited_total', 'Messages over their meter\'s MF_BRIDGE_METER_RATE_LIMIT, dead-lettered as RATE_LIMITED');
  const rateLimit = createMeterRateLimit({ perSecond: options.meterRateLimit.perSecond, burst: options.meterRateLimit.burst });
  let inFlight = 0;
  metrics.gauge('messages_in_flight', 'MQTT messages received but not yet acknowledged (held back until Kafka acknowledges)', () => inFlight);

  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: `meterflow-${options.bridgeId}`, logger: log.child('kafka') });
  await kafka.ensureTopics([topics.readings, topics.edgeStats, topics.deadLetters, topics.commands, topics.commandAcks]);
  const producer: BatchingProducer = createBatchingProducer(await kafka.createProducer(), {
    maxBatch: options.batchMax,
    lingerMs: options.lingerMs,
    logger: log.child('producer'),
    onSent: (_count, seconds) => produceLatency.observe(seconds),
    onError: () => produceErrors.inc(),
    // A record Kafka can never take (too large, invalid) is replaced by a small dead letter
    // saying so, so it cannot stand in front of every other meter's records.
    onRejected: (record, error) => {
      refused.inc({ topic: record.topic });
      return refusedRecordDeadLetter(record, error, { topic: topics.deadLetters.name, bridgeId: options.bridgeId });
    },
    onDropped: () => dropped.inc(),
  });
  const readingRecords = metrics.counter('readings_records_produced_total', 'Readings-topic records acknowledged by Kafka (each holds a micro-batch of readings of one partition)');
  // Read again now and then: an operator may add partitions to a running topic, and readings
  // grouped by the old count would sit on partitions their meters no longer map to.
  let readingsPartitions = await kafka.partitionCount(topics.readings.name);
  const partitionRefresh = setInterval(() => {
    kafka.partitionCount(topics.readings.name).then(
      (count) => {
        if (count !== readingsPartitions) log.info('readings topic partition count changed', { from: readingsPartitions, to: count });
        readingsPartitions = count;
      },
      (error: unknown) => log.warn('could not read the readings topic partition count; keeping the last one', { topic: topics.readings.name, error }),
    );
  }, options.partitionRefreshMs ?? 30_000);
  partitionRefresh.unref();
  const readingsBatcher = createReadingsBatcher({
    producer,
    topic: topics.readings.name,
    partitions: () => readingsPartitions,
    partitionOf: defaultPartitionOf,
    // Counted per record (with its readings), not per reading: a metrics update per reading was
    // a visible share of the bridge's CPU.
    onRecordSent: (readings) => {
      readingRecords.inc();
      produced.inc({ topic: 'readings' }, readings);
    },
  });
  metrics.gauge('kafka_pending_records', 'Records queued for or in flight to Kafka', () => producer.pending());
  metrics.gauge('kafka_oldest_pending_seconds', 'Age of the oldest record not yet acknowledged by Kafka (0 when none)', () => producer.oldestPendingMs() / 1000);

  let stopping = false;
  const handle = (message: AckableMessage) => {
    if (stopping) return; // not acknowledged: the broker keeps it for the next session
    const receivedAt = Date.now();
    let result = parseDeviceMessage(message.topic, message.payload, receivedAt, options.limits);
    received.inc({ type: result.topicType });
    if (!rateLimit.take(deadLetterKey(result.topicMeterId, message.topic), receivedAt)) {
      rateLimited.inc();
      const detail = `the meter is over ${options.meterRateLimit.perSecond} messages/s (burst ${options.meterRateLimit.burst}); MF_BRIDGE_METER_RATE_LIMIT`;
      result = { ...result, readings: [], edgeStats: [], commandAcks: [], rejections: [{ reason: 'RATE_LIMITED', detail }] };
    }
    inFlight += 1;
    const sends = toKafka(result, message, receivedAt);
    // Most messages become one send (their readings share one promise): no Promise.all for those.
    // The producer never rejects while open (a refused record becomes a dead letter), so every
    // message gets acked: PUBACKs leave in arrival order, and one never acked would hold back
    // every PUBACK after it on this connection.
    (sends.length === 1 ? (sends[0] as Promise<unknown>) : Promise.all(sends)).then(() => {
      inFlight -= 1;
      message.ack();
    });
  };

  const toKafka = (result: DeviceMessageResult, message: AckableMessage, receivedAt: number): Promise<unknown>[] => {
    const sends: Promise<unknown>[] = [];
    if (result.readings.length > 0) sends.push(readingsBatcher.add(result.readings));
    for (const stats of result.edgeStats) {
      sends.push(producer.send({ topic: topics.edgeStats.name, key: stats.meterId, value: JSON.stringify(stats) }).then(() => produced.inc({ topic: 'edge-stats' })));
    }
    for (const { meterId, ack } of result.commandAcks) {
      const event: CommandEvent = { commandId: ack.commandId, meterId, state: ack.status, source: 'device', at: receivedAt, ...(ack.reason ? { reason: ack.reason } : {}), ...(ack.seq !== undefined ? { seq: ack.seq } : {}) };
      sends.push(producer.send({ topic: topics.commandAcks.name, key: meterId, value: JSON.stringify(event) }).then(() => produced.inc({ topic: 'command-acks' })));
    }
    for (const rejection of result.rejections) {
      deadLettered.inc({ reason: rejection.reason });
      const letter = createDeadLetter({
        reason: rejection.reason,
        detail: rejection.detail,
        mqttTopic: message.topic,
        receivedAt,
        payload: rejection.item !== undefined ? Buffer.from(rejection.item) : message.payload,
        ...(rejection.index !== undefined ? { index: rejection.index } : {}),
        bridgeId: options.bridgeId,
      });
      // Debug: a misbehaving meter can send thousands a second; each is in the dead-letters topic and counted.
      log.debug('dead-lettered', { code: 'READING_REJECTED', reason: rejection.reason, detail: rejection.detail, meterId: result.topicMeterId ?? undefined, mqttTopic: message.topic, index: rejection.index, topic: topics.deadLetters.name });
      sends.push(producer.send({ topic: topics.deadLetters.name, key: deadLetterKey(result.topicMeterId, message.topic), value: JSON.stringify(letter) }));
    }
    return sends;
  };

  const mqtt: MqttClient = await connectMqtt({
    url: options.mqtt.url,
    username: options.mqtt.username,
    password: options.mqtt.password,
    ...(options.mqtt.tls ? { tls: options.mqtt.tls } : {}),
    clientId: `meterflow-${options.bridgeId}`,
    clean: false,
    sessionExpirySeconds: options.sessionExpirySeconds,
    receiveMaximum: options.receiveMaximum,
    // Tells the broker the largest packet we take: larger ones are not sent to us at all. Twice
    // the payload limit plus the longest topic, so a payload just over the limit still arrives
    // and is dead-lettered (PAYLOAD_TOO_LARGE) rather than vanishing.
    maximumPacketSize: Math.min(268_435_455, 2 * options.limits.maxPayloadBytes + 65_536 + 1024),
    // Read no further while twice the receive maximum is held: Mosquitto 2.0.11 overshoots it
    // under a flood (and reuses packet ids past 65,535). Twice, so that while Kafka is away (the
    // broker then keeps to it) the socket is still read and keepalive answers still arrive.
    setup: (client) => deliverWithDeferredAcks(client, handle, { maxHeld: Math.min(65_535, 2 * options.receiveMaximum) }),
  });
  // With a share group, instances started with the same group split the messages between them.
  const filters = options.shareGroup ? sharedSubscriptions(options.shareGroup) : [...ingestSubscriptions];
  const subscribe = () => mqtt.subscribeAsync(filters, { qos: 1 }).catch((error: unknown) => log.error('subscribe failed', { subscriptions: filters.join(' '), error }));
  // A resumed session keeps its subscriptions; a new (or expired) one needs them again.
  mqtt.on('connect', (connack) => {
    log.info('MQTT reconnected', { sessionPresent: connack.sessionPresent });
    if (!connack.sessionPresent) void subscribe();
  });
  mqtt.on('offline', () => log.warn('MQTT offline; reconnecting'));
  mqtt.on('error', (error) => log.warn('MQTT error', { error }));
  await subscribe();
  // A resumed session keeps the filters of an earlier configuration (shared or not): drop
  // them, or the broker would deliver each message twice to this session.
  const stale = options.shareGroup ? [...ingestSubscriptions] : [];
  if (stale.length > 0) await mqtt.unsubscribeAsync(stale).catch(() => undefined);
  const commandRelay = await startCommandRelay({
    kafka,
    topics,
    groupId: options.commandGroupId,
    mqtt,
    producer,
    masterKey: options.masterKey,
    bridgeId: options.bridgeId,
    metrics,
    logger: log.child('commands'),
  });
  metrics.gauge('mqtt_connected', '1 when connected to the MQTT broker', () => (mqtt.connected ? 1 : 0));

  const health: HealthServer | null =
    options.httpPort === null
      ? null
      : await startHealthServer(
          options.httpPort,
          () => {
            // Held back is normal for a moment (Kafka slow, a rebalance); held back for longer
            // than MF_BRIDGE_STUCK_AFTER_MS means nothing is getting through: say so.
            const oldestPendingMs = producer.oldestPendingMs();
            const stuck = oldestPendingMs > options.stuckAfterMs;
            return { healthy: mqtt.connected && !stopping && !stuck, detail: { mqttConnected: mqtt.connected, inFlight, kafkaPending: producer.pending(), oldestPendingMs, stuck, stopping } };
          },
          metrics,
          options.httpHost,
        );

  const sampler = options.metricsSampling
    ? startMetricsSampler({ metrics, service: 'bridge', instance: options.bridgeId, ...options.metricsSampling, logger: log.child('metrics') })
    : null;

  log.info('bridge started', { bridgeId: options.bridgeId, mqtt: options.mqtt.url, kafka: options.kafka.brokers.join(','), subscriptions: filters.join(' '), httpPort: health?.port });

  return {
    metrics,
    httpPort: health?.port ?? null,
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info('draining', { inFlight, kafkaPending: producer.pending() });
      clearInterval(partitionRefresh);
      await commandRelay.disconnect(); // commits what was delivered; the rest goes to another instance
      const givenUp = await producer.close(options.drainTimeoutMs);
      if (givenUp > 0) log.warn('Kafka did not take every record before the drain timeout; their MQTT messages stay unacknowledged and will be redelivered', { records: givenUp, drainTimeoutMs: options.drainTimeoutMs });
      // Let the PUBACKs queued by the last acknowledgements reach the socket before closing.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await mqtt.endAsync(false);
      await health?.close();
      await sampler?.stop();
      log.info('bridge stopped');
    },
  };
}
