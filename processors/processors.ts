import { startHealthServer, type HealthServer } from '../core/http/health-server';
import { createMetrics, type Metrics } from '../core/metrics';
import { startMetricsSampler } from '../core/metrics-sampler';
import type { ProcessorsOptions } from './processors-options';
import { questdbTables, type KafkaTopicSpec } from '../core/contracts';
import { describeError } from '../core/errors';
import type { Logger } from '../core/logger';
import { createWebhookNotifier, type AlertNotifier } from './alert-rules/webhook-notifier';
import { alertFromRow, alertsTable } from '../core/streams/alerts';
import { createAlertsProcessor } from './alerts/alerts-processor';
import { createBillingProcessor } from './billing/billing-processor';
import { createBillingEngine } from './billing/billing-state';
import { startRegistryTariffSync } from './billing/registry-tariff-sync';
import { createRollingAverages } from './rolling-averages/rolling-averages';
import { startGroupComparison } from './group-comparison/group-comparison';
import { createIlpWriter } from '../core/questdb/ilp-writer';
import { createQuestdbPool, ensureTables } from '../core/questdb/questdb-sql';
import { createBatchingProducer, createKafkaClient } from '../core/kafka';
import { startCommandLog } from './command-log/command-log';
import type { KeyedProcessor, OutputRow } from './runtime/keyed-processor';
import { rowRecord, startProcessorRunner, type ProcessorRunner } from './runtime/processor-runner';

export interface Processors {
  metrics: Metrics;
  httpPort: number | null;
  runners: Record<string, ProcessorRunner>;
  stop(): Promise<void>;
}

/**
 * Starts every stream processor in this process, each in its own consumer group.
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
  ]);
  const billingEngine = createBillingEngine(options.billing.config);
  // Tariffs assigned through the API, applied before the first reading is billed.
  const tariffSync = await startRegistryTariffSync({ questdb: comparisonPool, engine: billingEngine, timeZone: options.billing.timeZone, intervalMs: options.billing.registrySyncMs, logger: log.child('billing') });
  const processorList: KeyedProcessor<unknown>[] = [
    createRollingAverages(options.rolling) as KeyedProcessor<unknown>,
    createAlertsProcessor(options.alerts) as KeyedProcessor<unknown>,
    createBillingProcessor({ engine: billingEngine, kinds: options.billing.kinds, timeZone: options.billing.timeZone, provisionalIntervalMs: options.billing.provisionalIntervalMs, rules: options.alerts.rules }) as KeyedProcessor<unknown>,
  ];
  // Alerts reach the alerts topic whichever processor raised them (billing raises bill-variation and register-anomaly alerts).
  const outputs: Record<string, { topic: KafkaTopicSpec; tables?: string[] }> = {
    'rolling-averages': { topic: options.kafka.topics.rollups },
    alerts: { topic: options.kafka.topics.alerts },
    billing: { topic: options.kafka.topics.alerts, tables: ['alerts'] },
  };
  const webhook = options.alerts.webhookUrl ? createWebhookNotifier(options.alerts.webhookUrl, fetch) : null;
  const runners: Record<string, ProcessorRunner> = {};
  for (const processor of processorList) {
    runners[processor.name] = await startProcessorRunner({
      processor,
      groupId: `${options.groupIdPrefix}.${processor.name}`,
      kafka: options.kafka,
      outputTopic: outputs[processor.name]?.topic ?? null,
      ...(outputs[processor.name]?.tables ? { outputTables: outputs[processor.name]!.tables! } : {}),
      questdb: options.questdb,
      allowedLatenessMs: options.allowedLatenessMs,
      maxClockSkewMs: options.maxClockSkewMs,
      keyIdleMs: options.keyIdleMs,
      flushRecords: options.flushRecords,
      flushIntervalMs: options.flushIntervalMs,
      checkpointIntervalMs: options.checkpointIntervalMs,
      metrics,
      logger: log.child(processor.name),
      // Alerts come from the alerts processor and (bill variation) from billing.
      ...(webhook ? { onFlushed: (rows: OutputRow[]) => notifyAlerts(webhook, rows, log) } : {}),
    });
  }
  // Group averages need every partition's windows: compared from QuestDB once all have passed them.
  const comparisonWriter = await createIlpWriter(options.questdb.httpUrl);
  const alertKafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-group-comparison', logger: log.child('kafka') });
  await alertKafka.ensureTopics([options.kafka.topics.alerts]);
  const alertProducer = createBatchingProducer(await alertKafka.createProducer(), { maxBatch: 1000, lingerMs: 5, logger: log.child('producer') });
  const longest = [...options.rolling.sliding].sort((a, b) => b.sizeMs - a.sizeMs)[0];
  const comparison = longest
    ? startGroupComparison({
        pool: comparisonPool,
        writer: comparisonWriter,
        rules: options.alerts.rules,
        rollingGroupId: `${options.groupIdPrefix}.rolling-averages`,
        groupId: `${options.groupIdPrefix}.group-comparison`,
        window: longest,
        allowedLatenessMs: options.allowedLatenessMs,
        keyIdleMs: options.keyIdleMs,
        intervalMs: options.groupComparisonIntervalMs,
        statistics: { maxPlausibleRate: options.groupMaxPlausibleRate },
        metrics,
        logger: log.child('group-comparison'),
        onAlerts: async (rows: OutputRow[]) => {
          await Promise.all(rows.map((row) => alertProducer.send({ topic: options.kafka.topics.alerts.name, key: row.symbols.meter_id!, value: JSON.stringify(rowRecord(row)) })));
          if (webhook) notifyAlerts(webhook, rows, log);
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
  const lagKafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-processors-lag', logger: log.child('kafka') });
  const sampler = options.metricsSampling
    ? startMetricsSampler({
        metrics,
        service: 'processors',
        instance: options.groupIdPrefix,
        questdbHttpUrl: options.questdb.httpUrl,
        intervalMs: options.metricsSampling.intervalMs,
        // Each processor's group on the readings topic: how far behind the sensors it runs.
        collect: () =>
          Promise.all(
            Object.keys(runners).map(async (name) => ({
              metric: 'meterflow_processors_kafka_consumer_lag',
              labels: `{processor="${name}",topic="${options.kafka.topics.readings.name}"}`,
              type: 'gauge' as const,
              value: await lagKafka.groupLag(`${options.groupIdPrefix}.${name}`, options.kafka.topics.readings.name),
            })),
          ),
        logger: log.child('metrics'),
      })
    : null;
  let stopping = false;
  const health: HealthServer | null =
    options.httpPort === null ? null : await startHealthServer(
          options.httpPort,
          () => {
            // A processor whose outputs have not reached QuestDB for 30 s is stuck: say so, per processor.
            const failingMs = Object.fromEntries(Object.entries(runners).map(([name, runner]) => [name, runner.failingForMs()]));
            const stuck = Object.values(failingMs).some((ms) => ms > 30_000);
            return { healthy: !stopping && !stuck, detail: { processors: Object.keys(runners), failingMs, stopping } };
          },
          metrics,
          options.httpHost,
        );
  return {
    metrics,
    httpPort: health?.port ?? null,
    runners,
    async stop() {
      stopping = true;
      await sampler?.stop();
      await tariffSync.stop();
      await comparison?.stop();
      for (const runner of Object.values(runners)) await runner.stop();
      await commandLog.stop();
      await alertProducer.close(10_000);
      await comparisonWriter.close();
      await comparisonPool.end();
      await health?.close();
    },
  };
}

/** After the alerts are durable: each transition to the webhook (at least once; the alert id deduplicates). */
function notifyAlerts(webhook: AlertNotifier, rows: OutputRow[], log: Logger): void {
  for (const row of rows) {
    if (row.table !== alertsTable.name) continue;
    const event = alertFromRow(row);
    webhook.notify(event).catch((error: unknown) => log.warn('alert webhook gave up', { alertId: event.alertId, error: describeError(error) }));
  }
}
