import type { KafkaTopics } from '../../core/contracts';
import { isMeterflowError, MeterflowError } from '../../core/errors';
import { createBatchingProducer, createKafkaClient, type RawConsumer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import { createIlpWriter } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, type QuestdbPgOptions } from '../../core/questdb/questdb-sql';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { alertToRow, encodeAlert, type AlertEvent } from '../../core/streams/alerts';
import { decodeEdgeStats } from '../../core/streams/edge-statistics';
import { applyEdgeStats, createEdgeRuleState, type EdgeRuleState } from '../alert-rules/edge-stats-rules';
import type { AlertRulesConfig } from '../alert-rules/rule-config';
import { createStateStore } from '../runtime/state-store';

export interface EdgeStatsAlertsOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  /** The consumer group on the edge-stats topic; its state rows in processor_state carry this name. */
  groupId: string;
  rules: AlertRulesConfig;
  metrics: Metrics;
  logger: Logger;
  /** @default 200 */
  flushIntervalMs?: number;
  /** Called with each flush's alerts once they are durable (at least once), e.g. the webhook. */
  onAlerts?(alerts: AlertEvent[]): void;
}

export interface EdgeStatsAlerts {
  /** How long flushes have failed without a success in between; 0 when fine. */
  failingForMs(): number;
  stop(): Promise<void>;
}

interface Changed {
  state: EdgeRuleState;
  offset: number;
}

/**
 * Edge-stats topic → the threshold and rate-of-rise rules on summaries (alert-rules/edge-stats-rules.ts)
 * → alerts table and alerts topic. One consumer group; per flush, in this order: the alert rows
 * to QuestDB, the alert records to Kafka, the changed meters' rule state to processor_state
 * (fenced: only while this member certainly owns its partitions), then the offsets are committed.
 * A crash before the commit replays records: with the state saved they are duplicates (skipped
 * by the rule state), without it they produce the same alerts again (same ids and event times:
 * DEDUP keeps one row). A failed flush or a rebalance drops the in-memory state; a partition's
 * state is restored from processor_state when its next batch comes.
 */
export async function startEdgeStatsAlerts(options: EdgeStatsAlertsOptions): Promise<EdgeStatsAlerts> {
  const log = options.logger;
  const { topics } = options.kafka;
  const applied = options.metrics.counter('edge_stats_rule_inputs_total', 'Edge-statistics summaries seen by the rule engine, by status (accepted, duplicate, late, invalid)');
  const raised = options.metrics.counter('edge_stats_alerts_total', 'Alert transitions raised on edge statistics, by rule kind and state');
  const pool = createQuestdbPool({ ...options.questdb.pg, max: 1 });
  const store = createStateStore<EdgeRuleState>(options.groupId, pool);
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-edge-stats-alerts', logger: log.child('kafka') });
  await kafka.ensureTopics([topics.edgeStats, topics.alerts]);
  const writer = await createIlpWriter(options.questdb.httpUrl, { service: 'edge-stats-alerts', logger: log.child('ilp') });
  const producer = createBatchingProducer(await kafka.createProducer(), { maxBatch: 1000, lingerMs: 5, logger: log.child('producer') });

  /** partition → meter → state; a partition is present once restored. */
  const partitions = new Map<number, Map<string, EdgeRuleState>>();
  /** partition → meter → what to checkpoint. */
  let changed = new Map<number, Map<string, Changed>>();
  let alerts: AlertEvent[] = [];
  let generation = 0;
  let changedSince: number | null = null;
  let failingSince: number | null = null;
  const dropAll = () => {
    partitions.clear();
    changed = new Map();
    alerts = [];
    changedSince = null;
    writer.discard();
  };

  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: options.groupId,
    topics: [topics.edgeStats.name],
    fromBeginning: true,
    flushRecords: 1000,
    flushIntervalMs: options.flushIntervalMs ?? 200,
    onRebalance() {
      generation += 1;
      // Partitions may have moved (and come back after another member advanced them): restore on next sight.
      if (changedSince === null) partitions.clear();
    },
    async handle(batch) {
      let meters = partitions.get(batch.partition);
      if (!meters) {
        meters = new Map((await store.restore(batch.partition)).map(({ key, entry }) => [key, entry.state]));
        partitions.set(batch.partition, meters);
      }
      for (const record of batch.records) {
        let stats;
        try {
          stats = decodeEdgeStats(record.value);
        } catch (error) {
          if (!isMeterflowError(error, 'STREAM_RECORD_INVALID')) throw error;
          applied.inc({ status: 'invalid' });
          log.warn('edge-stats record skipped: not of its topic\'s shape', { topic: batch.topic, partition: batch.partition, offset: record.offset, error });
          continue;
        }
        let state = meters.get(stats.meterId);
        if (!state) meters.set(stats.meterId, (state = createEdgeRuleState(stats.meterId, stats.sector)));
        const result = applyEdgeStats(state, stats, options.rules);
        applied.inc({ status: result.status });
        if (result.status === 'late') log.info('late edge statistics left out of the rules', { meterId: stats.meterId, from: stats.from, lastTo: state.last?.to });
        if (result.status !== 'accepted') continue;
        changedSince ??= generation;
        let byMeter = changed.get(batch.partition);
        if (!byMeter) changed.set(batch.partition, (byMeter = new Map()));
        byMeter.set(stats.meterId, { state, offset: Number(record.offset) });
        for (const event of result.events) {
          alerts.push(event);
          await writeTableRow(writer, alertToRow(event));
        }
      }
    },
    async flush(control) {
      try {
        // State changed before a rebalance may have been overtaken by another member: redo from the last commit.
        if (changedSince !== null && changedSince !== generation) throw new MeterflowError('PROCESSOR_REBALANCED', 'the group rebalanced since the last checkpoint; re-reading from the last commit', { retriable: true });
        await writer.flush();
        await Promise.all(alerts.map((alert) => producer.send({ topic: topics.alerts.name, key: alert.meterId, value: encodeAlert(alert) })));
        for (const [partition, byMeter] of changed) {
          await store.write(writer, partition, [...byMeter].map(([key, c]) => ({ key, entry: { state: c.state, lastOffset: c.offset, streamTime: c.state.last?.to ?? -Infinity } })));
        }
        await control.confirmMembership();
        await writer.flush();
      } catch (error) {
        failingSince ??= Date.now();
        dropAll();
        log.warn('edge-stats alerts flush failed; re-reading from the last commit', { error });
        throw error;
      }
      failingSince = null;
      for (const a of alerts) raised.inc({ rule_kind: a.ruleKind, state: a.state });
      if (alerts.length > 0) options.onAlerts?.(alerts);
      alerts = [];
      changed = new Map();
      changedSince = null;
    },
  });
  log.info('edge-stats alerts started', { groupId: options.groupId });

  return {
    failingForMs: () => (failingSince === null ? 0 : Date.now() - failingSince),
    async stop() {
      await consumer.disconnect();
      await producer.close(10_000);
      await writer.close();
      await pool.end();
    },
  };
}
