import { startHealthServer, type HealthServer } from '../core/http/health-server';
import { createMetrics, type Metrics } from '../core/metrics';
import { startMetricsSampler } from '../core/metrics-sampler';
import type { ProcessorsOptions } from './processors-options';
import { questdbTables } from '../core/contracts';
import type { Logger } from '../core/logger';
import { createWebhookNotifier, type AlertNotifier } from './alert-rules/webhook-notifier';
import { encodeAlert, type AlertEvent } from '../core/streams/alerts';
import { createAlertsProcessor } from './alerts/alerts-processor';
import { createBillingProcessor } from './billing/billing-processor';
import { createBillingEngine } from './billing/billing-state';
import type { RegistryProfile } from './billing/registry-profiles';
import { startRegistryTariffSync } from './billing/registry-tariff-sync';
import { createRollingAverages } from './rolling-averages/rolling-averages';
import { longestWindow } from './rolling-averages/window-specs';
import { startGroupComparison } from './group-comparison/group-comparison';
import { createIlpWriter } from '../core/questdb/ilp-writer';
import { createQuestdbPool, ensureTables } from '../core/questdb/questdb-sql';
import { createBatchingProducer, createKafkaClient } from '../core/kafka';
import { startCommandLog } from './command-log/command-log';
import { startEdgeStatsAlerts } from './edge-statistics/edge-stats-alerts';
import type { KeyedProcessor } from './runtime/keyed-processor';
import { startTopologyRunner, type TopologyRunner } from './runtime/topology-runner';
import { createReadingsTopology, processorStateOwner } from './topology';

export interface Processors {
  metrics: Metrics;
  httpPort: number | null;
  /** The readings topology: one consumer group for every keyed processor. */
  topology: TopologyRunner;
  stop(): Promise<void>;
}

/**
 * Starts the processors in this process: the readings topology (rolling averages, alerts,
 * billing in one consumer group, processors/topology.ts), the scheduled group comparison and
 * registry tariff sync, and the command log.
 * `commandLogGroupId` (MF_COMMAND_LOG_GROUP_ID) defaults to `<groupIdPrefix>.command-log`.
 */
export async function startProcessors(options: ProcessorsOptions): Promise<Processors> {
  const metrics = createMetrics('meterflow_processors');
  const log = options.logger;
  // Every output table, created once here rather than by each runner.
  const comparisonPool = createQuestdbPool({ ...options.questdb.pg, max: 1 });
  await ensureTables(comparisonPool, [
    questdbTables.rollingAverages,
    questdbTables.rollups,
    questdbTables.alerts,
    questdbTables.invoices,
    questdbTables.invoiceLines,
    questdbTables.lateReadings,
    questdbTables.processorState,
    questdbTables.commands,
    questdbTables.commandEvents,
    // Read, not written: the tariff sync follows the API's registry.
    questdbTables.meterRegistry,
    questdbTables.meterReplacements,
    questdbTables.meterOwners,
    questdbTables.tariffVersions,
  ]);
  const billingEngine = createBillingEngine(options.billing.config);
  // Tariffs assigned through the API, applied before the first reading is billed.
  // Per-meter billing profiles (zone, cycle day, modulus, maximum flow, service period), kept current by the sync.
  const profiles = new Map<string, RegistryProfile>();
  const tariffSync = await startRegistryTariffSync({ questdb: comparisonPool, engine: billingEngine, timeZone: options.billing.timeZone, intervalMs: options.billing.registrySyncMs, logger: log.child('billing'), metrics, profiles });
  const processors: KeyedProcessor<unknown>[] = [
    createRollingAverages(options.rolling) as KeyedProcessor<unknown>,
    createAlertsProcessor({ ...options.alerts, registry: profiles }) as KeyedProcessor<unknown>,
    createBillingProcessor({ engine: billingEngine, kinds: options.billing.kinds, timeZone: options.billing.timeZone, profiles, provisionalIntervalMs: options.billing.provisionalIntervalMs, rules: options.alerts.rules }) as KeyedProcessor<unknown>,
  ];
  const webhook = options.alerts.webhookUrl ? createWebhookNotifier(options.alerts.webhookUrl, fetch) : null;
  // Alerts come from the alerts processor, billing (bill variation, register anomalies) and the group comparison.
  const onAlerts = webhook ? (alerts: AlertEvent[]) => notifyAlerts(webhook, alerts, log) : undefined;
  const topology = createReadingsTopology({ groupIdPrefix: options.groupIdPrefix, topics: options.kafka.topics, processors, ...(onAlerts ? { onAlerts } : {}) });
  const runner = await startTopologyRunner({
    topology,
    kafka: options.kafka,
    questdb: options.questdb,
    allowedLatenessMs: options.allowedLatenessMs,
    maxClockSkewMs: options.maxClockSkewMs,
    keyIdleMs: options.keyIdleMs,
    historyIdleMs: options.historyIdleMs,
    flushRecords: options.flushRecords,
    flushIntervalMs: options.flushIntervalMs,
    checkpointIntervalMs: options.checkpointIntervalMs,
    metrics,
    logger: log.child('topology'),
  });
  // Group averages need every partition's windows: compared from QuestDB once all have passed them.
  const comparisonWriter = await createIlpWriter(options.questdb.httpUrl);
  const alertKafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-group-comparison', logger: log.child('kafka') });
  await alertKafka.ensureTopics([options.kafka.topics.alerts]);
  const alertProducer = createBatchingProducer(await alertKafka.createProducer(), { maxBatch: 1000, lingerMs: 5, logger: log.child('producer') });
  const longest = longestWindow(options.rolling.sliding);
  const comparison = longest
    ? startGroupComparison({
        pool: comparisonPool,
        writer: comparisonWriter,
        rules: options.alerts.rules,
        rollingStateOwner: processorStateOwner(options.groupIdPrefix, 'rolling-averages'),
        groupId: `${options.groupIdPrefix}.group-comparison`,
        window: longest,
        allowedLatenessMs: options.allowedLatenessMs,
        keyIdleMs: options.keyIdleMs,
        intervalMs: options.groupComparisonIntervalMs,
        statistics: { maxPlausibleRate: options.groupMaxPlausibleRate },
        metrics,
        logger: log.child('group-comparison'),
        onAlerts: async (alerts: AlertEvent[]) => {
          await Promise.all(alerts.map((alert) => alertProducer.send({ topic: options.kafka.topics.alerts.name, key: alert.meterId, value: encodeAlert(alert) })));
          onAlerts?.(alerts);
        },
      })
    : null;
  // Commands and their state changes, recorded for the API's command history and meter status.
  const commandLog = await startCommandLog({
    kafka: options.kafka,
    questdb: options.questdb,
    groupId: options.commandLogGroupId ?? `${options.groupIdPrefix}.command-log`,
    flushIntervalMs: options.flushIntervalMs,
    metrics,
    logger: log.child('command-log'),
  });
  // The threshold and rate-of-rise rules on edge nodes' interval summaries (docs/edge-statistics.md).
  const edgeStatsAlerts = await startEdgeStatsAlerts({
    kafka: options.kafka,
    questdb: options.questdb,
    groupId: `${options.groupIdPrefix}.edge-stats-alerts`,
    rules: options.alerts.rules,
    flushIntervalMs: options.flushIntervalMs,
    metrics,
    logger: log.child('edge-stats-alerts'),
    ...(onAlerts ? { onAlerts } : {}),
  });
  const lagKafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-processors-lag', logger: log.child('kafka') });
  const sampler = options.metricsSampling
    ? startMetricsSampler({
        metrics,
        service: 'processors',
        instance: options.groupIdPrefix,
        questdbHttpUrl: options.questdb.httpUrl,
        intervalMs: options.metricsSampling.intervalMs,
        // The topology's group on the readings topic: how far behind the sensors it runs.
        collect: async () => [
          {
            metric: 'meterflow_processors_kafka_consumer_lag',
            labels: `{group="${topology.groupId}",topic="${options.kafka.topics.readings.name}"}`,
            type: 'gauge' as const,
            value: await lagKafka.groupLag(topology.groupId, options.kafka.topics.readings.name),
          },
        ],
        logger: log.child('metrics'),
      })
    : null;
  let stopping = false;
  const health: HealthServer | null =
    options.httpPort === null ? null : await startHealthServer(
          options.httpPort,
          () => {
            // Outputs that have not reached QuestDB for 30 s, or scheduled work failing for 5 minutes, is stuck: say which.
            const failingMs = { topology: runner.failingForMs(), 'edge-stats-alerts': edgeStatsAlerts.failingForMs(), 'group-comparison': comparison?.failingForMs() ?? 0, 'registry-tariff-sync': tariffSync.failingForMs() };
            const stuck = failingMs.topology > 30_000 || failingMs['edge-stats-alerts'] > 30_000 || failingMs['group-comparison'] > 300_000 || failingMs['registry-tariff-sync'] > 300_000;
            return { healthy: !stopping && !stuck, detail: { groupId: topology.groupId, processors: processors.map((p) => p.name), failingMs, stopping } };
          },
          metrics,
          options.httpHost,
        );
  return {
    metrics,
    httpPort: health?.port ?? null,
    topology: runner,
    async stop() {
      stopping = true;
      await sampler?.stop();
      await tariffSync.stop();
      await comparison?.stop();
      await runner.stop();
      await commandLog.stop();
      await edgeStatsAlerts.stop();
      await alertProducer.close(10_000);
      await comparisonWriter.close();
      await comparisonPool.end();
      await health?.close();
    },
  };
}

/** After the alerts are durable: each transition to the webhook (at least once; the alert id deduplicates). */
function notifyAlerts(webhook: AlertNotifier, alerts: AlertEvent[], log: Logger): void {
  for (const alert of alerts) {
    webhook.notify(alert).catch((error: unknown) => log.warn('alert webhook gave up', { alertId: alert.alertId, error }));
  }
}
