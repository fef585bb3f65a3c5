import { randomUUID } from 'node:crypto';
import type { KafkaTopicSpec, KafkaTopics } from '../../core/contracts';
import { createKafkaClient, type RawConsumer, type RawProducer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import { createClaimLedger, type PolicyClaim } from './claim-ledger';

/**
 * Decides which GraphQL replica runs the auto-block policies for a slot, so that they run once
 * per deployment, not once per replica. Each replica bids for the slot on a one-partition Kafka
 * topic (`<prefix>policy-claims`) and reads every bid back in log order; the first bid for a
 * slot wins (claim-ledger.ts). No lease to expire: a replica that dies simply stops bidding,
 * and the next slot goes to whoever bids first. Each replica reads the topic from the start in
 * a consumer group of its own, so a replica that started late still sees earlier bids.
 */
export interface PolicyTurns {
  /** Bids for `slot`; resolves true when this replica won it (false on timeout: not running is the safe side). */
  claim(slot: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface PolicyTurnsOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  instanceId: string;
  logger: Logger;
  /** How long a bid may take to come back. @default 10000 */
  claimTimeoutMs?: number;
}

/** The claims topic, beside the deployment's other topics (same prefix). */
export function policyClaimsTopic(topics: KafkaTopics): KafkaTopicSpec {
  const prefix = topics.commands.name.slice(0, -'commands'.length);
  return {
    name: `${prefix}policy-claims`,
    // One partition: one total order of bids, which is the whole point.
    partitions: 1,
    config: { 'retention.ms': String(24 * 3_600_000) },
    description: 'Bids of GraphQL replicas to run the auto-block policies for a time slot; the first bid per slot wins',
  };
}

export async function startPolicyTurns(options: PolicyTurnsOptions): Promise<PolicyTurns> {
  const topic = policyClaimsTopic(options.kafka.topics);
  const timeoutMs = options.claimTimeoutMs ?? 10_000;
  const ledger = createClaimLedger();
  const waiting = new Map<string, (won: boolean) => void>();
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: `meterflow-policy-turns-${options.instanceId}`, logger: options.logger.child('kafka') });
  await kafka.ensureTopics([topic]);
  const producer: RawProducer = await kafka.createProducer();
  let sending: Promise<unknown> = Promise.resolve();
  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: `${topic.name}-${options.instanceId}`,
    topics: [topic.name],
    fromBeginning: true,
    handle: async (batch) => {
      for (const record of batch.records) {
        let claim: PolicyClaim;
        try {
          claim = JSON.parse((record.value ?? Buffer.alloc(0)).toString('utf8')) as PolicyClaim;
        } catch {
          continue;
        }
        if (typeof claim?.slot !== 'number' || typeof claim.instance !== 'string' || typeof claim.claimId !== 'string') continue;
        const winner = ledger.record(claim);
        waiting.get(claim.claimId)?.(winner === options.instanceId);
      }
    },
  });

  return {
    async claim(slot) {
      const claim: PolicyClaim = { slot, instance: options.instanceId, claimId: randomUUID() };
      const decided = new Promise<boolean>((resolve) => {
        waiting.set(claim.claimId, resolve);
        setTimeout(() => resolve(false), timeoutMs).unref();
      });
      // One sendBatch in flight per producer (kafkajs idempotent producer).
      const sent = sending.then(() => producer.sendBatch([{ topic: topic.name, key: 'policies', value: JSON.stringify(claim) }]));
      sending = sent.catch(() => undefined);
      try {
        await sent;
        return await decided;
      } catch (error) {
        options.logger.warn('policy bid not sent', { slot, error });
        return false;
      } finally {
        waiting.delete(claim.claimId);
      }
    },
    async stop() {
      await sending;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
