import type { Config } from '../core/config';
import { readJsonFile, timeZoneVariable } from '../core/config';
import { createKafkaTopics, meterKinds, type KafkaTopics, type MeterKind } from '../core/contracts';
import { parseAlertRulesConfig, type AlertRulesConfig } from './alert-rules/rule-config';
import { defaultBillingConfig } from '../core/tariffs/default-billing-config';
import type { BillingOptionsInput } from '../core/tariffs/billing-options';
import { parseLeakConfig, type LeakConfig } from './leak-detection/leak-config';
import { MeterflowError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { QuestdbPgOptions } from '../core/questdb/questdb-sql';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import { parseDuration, parseSlidingWindows, parseTumblingWindows, type SlidingWindowSpec, type TumblingWindowSpec } from './rolling-averages/window-specs';

export interface ProcessorsOptions {
  /** @default 'meterflow-processors' */
  groupIdPrefix: string;
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  /** @default 120000 */
  allowedLatenessMs: number;
  /** @default 30000 — a reading moves event time forward by at most its receive time plus this */
  maxClockSkewMs: number;
  /** @default 60000 — a key with no reading for this long (receive clock) closes on its partition's watermark */
  keyIdleMs: number;
  /** @default 60000 — the same for a key whose readings trail their receive time by more than this (history); raise it for imports in several runs */
  historyIdleMs: number;
  /** @default 20000 */
  flushRecords: number;
  /** @default 500 */
  flushIntervalMs: number;
  /** @default 5000 */
  checkpointIntervalMs: number;
  /** @default 10000 */
  groupComparisonIntervalMs: number;
  /** @default 10000 — mean rate above which a meter window is left out of group averages */
  groupMaxPlausibleRate: number;
  rolling: { sliding: SlidingWindowSpec[]; tumbling: TumblingWindowSpec[]; timeZone: string };
  alerts: { leak: LeakConfig; rules: AlertRulesConfig; webhookUrl: string | null };
  billing: { config: BillingOptionsInput; kinds: MeterKind[]; timeZone: string; provisionalIntervalMs: number; registrySyncMs: number };
  /** @default 18083 */
  httpPort: number | null;
  /** Interface of that port (MF_HTTP_HOST). @default 127.0.0.1 */
  httpHost?: string;
  /** Consumer group of the command log; default `<groupIdPrefix>.command-log`. */
  commandLogGroupId?: string;
  /** Writes the processors' metrics and consumer lag to QuestDB (service_metrics); null = never. */
  metricsSampling?: { intervalMs: number } | null;
  logger: Logger;
}

export function processorsOptionsFromConfig(config: Config, logger: Logger): ProcessorsOptions {
  const timeZone = timeZoneVariable('MF_ROLLUP_TIME_ZONE', config.string('MF_ROLLUP_TIME_ZONE'));
  return {
    groupIdPrefix: config.string('MF_PROCESSORS_GROUP_ID'),
    kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
    questdb: { httpUrl: config.string('MF_QUESTDB_HTTP_URL'), pg: questdbPgFromConfig(config) },
    allowedLatenessMs: config.int('MF_PROCESSORS_LATENESS_MS'),
    maxClockSkewMs: config.int('MF_PROCESSORS_MAX_CLOCK_SKEW_MS'),
    keyIdleMs: config.int('MF_PROCESSORS_KEY_IDLE_MS'),
    historyIdleMs: config.int('MF_PROCESSORS_HISTORY_IDLE_MS'),
    flushRecords: config.int('MF_PROCESSORS_FLUSH_RECORDS'),
    flushIntervalMs: config.int('MF_PROCESSORS_FLUSH_INTERVAL_MS'),
    checkpointIntervalMs: config.int('MF_PROCESSORS_CHECKPOINT_INTERVAL_MS'),
    groupComparisonIntervalMs: config.int('MF_GROUP_COMPARISON_INTERVAL_MS'),
    groupMaxPlausibleRate: config.int('MF_GROUP_MAX_PLAUSIBLE_RATE'),
    rolling: { sliding: parseSlidingWindows(config.string('MF_ROLLING_WINDOWS')), tumbling: parseTumblingWindows(config.string('MF_ROLLUP_BUCKETS')), timeZone },
    alerts: {
      leak: parseLeakConfig(readJsonFile('MF_LEAK_CONFIG_FILE', config.string('MF_LEAK_CONFIG_FILE')) ?? {}),
      rules: parseAlertRulesConfig(readJsonFile('MF_ALERT_RULES_FILE', config.string('MF_ALERT_RULES_FILE')) ?? {}),
      webhookUrl: webhookUrl(config.string('MF_ALERT_WEBHOOK_URL')),
    },
    billing: {
      config: (readJsonFile('MF_BILLING_CONFIG_FILE', config.string('MF_BILLING_CONFIG_FILE')) as BillingOptionsInput | undefined) ?? defaultBillingConfig,
      kinds: billingKinds(config.list('MF_BILLING_KINDS')),
      timeZone: timeZoneVariable('MF_BILLING_TIME_ZONE', config.string('MF_BILLING_TIME_ZONE')),
      provisionalIntervalMs: parseDuration(config.string('MF_BILLING_PROVISIONAL_INTERVAL'), 'MF_BILLING_PROVISIONAL_INTERVAL'),
      registrySyncMs: config.int('MF_BILLING_REGISTRY_SYNC_MS'),
    },
    httpPort: config.int('MF_PROCESSORS_HTTP_PORT'),
    httpHost: config.string('MF_HTTP_HOST'),
    ...(config.string('MF_COMMAND_LOG_GROUP_ID') ? { commandLogGroupId: config.string('MF_COMMAND_LOG_GROUP_ID') } : {}),
    metricsSampling: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') > 0 ? { intervalMs: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') } : null,
    logger,
  };
}

function billingKinds(list: string[]): MeterKind[] {
  for (const kind of list) {
    if (!(meterKinds as readonly string[]).includes(kind)) throw new MeterflowError('CONFIG_INVALID', `MF_BILLING_KINDS: "${kind}" is not one of ${meterKinds.join(', ')}`);
  }
  return list as MeterKind[];
}

function webhookUrl(text: string): string | null {
  if (text === '') return null;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return text;
  } catch {
    throw new MeterflowError('CONFIG_INVALID', `MF_ALERT_WEBHOOK_URL must be an http(s) URL; got "${text}"`);
  }
}
