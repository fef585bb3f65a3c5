import type { MqttClient } from 'mqtt';
import { commandSchema, commandSeqOf, mqttTopics, secondsUntilExpiry, type CommandEvent, type KafkaTopics } from '../core/contracts';
import { createDeadLetter } from '../core/contracts';
import type { BatchingProducer, KafkaClient, RawConsumer } from '../core/kafka';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { signCommand } from '../core/security/command-signing';
import { deriveMeterSecret } from '../core/security/meter-secrets';

export interface CommandRelayOptions {
  kafka: KafkaClient;
  topics: KafkaTopics;
  /** Shared by every bridge instance: the commands topic's partitions are split between them. */
  groupId: string;
  mqtt: MqttClient;
  producer: BatchingProducer;
  masterKey: string;
  bridgeId: string;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}

/**
 * Kafka commands → `meters/{id}/commands`, signed for the meter. The sequence number comes from
 * the command record (assigned at issue time, commandSeqOf), not from the Kafka offset: offsets
 * start again at 0 when the topic is recreated, repartitioned or re-prefixed, and the meter would
 * refuse every later command as a replay. A redelivery after a crash carries the same number,
 * which the device recognises as the command it already answered. Offsets are committed only
 * after the broker took the publish (QoS 1) and the 'delivered' event is in Kafka.
 */
export async function startCommandRelay(options: CommandRelayOptions): Promise<RawConsumer> {
  const { topics, producer, mqtt, metrics, logger: log } = options;
  const now = options.now ?? Date.now;
  const relayed = metrics.counter('commands_total', 'Commands taken from Kafka, by outcome (delivered, expired, invalid)');
  const event = (e: CommandEvent) => producer.send({ topic: topics.commandAcks.name, key: e.meterId, value: JSON.stringify(e) });

  return options.kafka.createConsumer({
    groupId: options.groupId,
    topics: [topics.commands.name],
    fromBeginning: true,
    handle: async (batch) => {
      await Promise.all(
        batch.records.map(async (record) => {
          const raw = record.value ?? Buffer.alloc(0);
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            body = undefined;
          }
          const parsed = commandSchema.safeParse(body);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            relayed.inc({ outcome: 'invalid' });
            const claimed = body as { commandId?: unknown; meterId?: unknown } | undefined;
            log.warn('invalid command dead-lettered', {
              topic: batch.topic,
              partition: batch.partition,
              offset: record.offset,
              field: issue.path.join('.'),
              commandId: typeof claimed?.commandId === 'string' ? claimed.commandId : undefined,
              meterId: typeof claimed?.meterId === 'string' ? claimed.meterId : undefined,
            });
            const letter = createDeadLetter({
              reason: body === undefined ? 'MALFORMED_JSON' : 'INVALID_SHAPE',
              detail: body === undefined ? 'command is not valid JSON' : `command "${issue.path.join('.') || '(message)'}": ${issue.message}`,
              mqttTopic: `kafka:${batch.topic}`,
              receivedAt: now(),
              payload: raw,
              bridgeId: options.bridgeId,
            });
            await producer.send({ topic: topics.deadLetters.name, key: record.key ?? 'command', value: JSON.stringify(letter) });
            return;
          }
          const command = parsed.data;
          const seq = commandSeqOf(command);
          const ttl = secondsUntilExpiry(command, now());
          if (ttl <= 0) {
            relayed.inc({ outcome: 'expired' });
            log.info('command expired before delivery', { commandId: command.commandId, meterId: command.meterId, type: command.type, topic: batch.topic, partition: batch.partition, offset: record.offset });
            await event({ commandId: command.commandId, meterId: command.meterId, state: 'expired', source: 'bridge', reason: 'expired before delivery', seq, at: now() });
            return;
          }
          const topic = mqttTopics.command(command.meterId);
          const secret = deriveMeterSecret(options.masterKey, command.meterId, 'command-signing');
          const envelope = signCommand(secret, topic, seq, JSON.stringify(command));
          // The broker holds it for an offline meter (persistent session) and drops it at expiry.
          await mqtt.publishAsync(topic, JSON.stringify(envelope), { qos: 1, properties: { messageExpiryInterval: ttl } });
          relayed.inc({ outcome: 'delivered' });
          log.info('command relayed', { commandId: command.commandId, meterId: command.meterId, type: command.type, mqttTopic: topic, topic: batch.topic, partition: batch.partition, offset: record.offset });
          await event({ commandId: command.commandId, meterId: command.meterId, state: 'delivered', source: 'bridge', seq, at: now() });
        }),
      );
    },
  });
}
