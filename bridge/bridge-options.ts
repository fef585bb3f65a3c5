import type { Config } from '../core/config';
import { MeterflowError } from '../core/errors';
import { mqttTlsFromConfig, type MqttTls } from '../core/mqtt/mqtt-tls';
import { createKafkaTopics, parseReadingRanges, type KafkaTopics, type ValidationLimits } from '../core/contracts';
import type { Logger } from '../core/logger';

export interface BridgeOptions {
  /** Instance id; the MQTT client id is `meterflow-<bridgeId>` and must survive restarts. @default 'bridge-1' */
  bridgeId: string;
  mqtt: { url: string; username: string; password: string; tls?: MqttTls };
  /** MQTT shared-subscription group; instances with the same group split the load. '' (env: none) = plain subscriptions. @default 'meterflow-bridge' */
  shareGroup: string;
  /** Kafka consumer group that relays commands to meters. @default 'meterflow-bridge-commands' */
  commandGroupId: string;
  /** Master key the per-meter command-signing secrets are derived from. */
  masterKey: string;
  /** @default 1000 */
  receiveMaximum: number;
  /** @default 604800 (7 days) */
  sessionExpirySeconds: number;
  kafka: { brokers: string[]; topics: KafkaTopics };
  /** @default 2000 */
  batchMax: number;
  /** @default 5 */
  lingerMs: number;
  /** How often the readings topic's partition count is read again (partitions added to a running topic). @default 30000 */
  partitionRefreshMs?: number;
  /** On stop, how long to wait for Kafka before leaving the rest to MQTT redelivery. @default 30000 */
  drainTimeoutMs: number;
  limits: ValidationLimits;
  /** Per-meter token bucket; perSecond 0 = off. @default { perSecond: 0, burst: 100 } */
  meterRateLimit: { perSecond: number; burst: number };
  /** /health says unhealthy once a record has waited this long for Kafka. @default 30000 */
  stuckAfterMs: number;
  /** Port of /health and /metrics; 0 picks a free one, null serves none. @default 18081 */
  httpPort: number | null;
  /** Interface of that port (MF_HTTP_HOST). @default 127.0.0.1 */
  httpHost?: string;
  /** Writes the bridge's metrics to QuestDB (service_metrics); null = never. */
  metricsSampling: { questdbHttpUrl: string; intervalMs: number } | null;
  logger: Logger;
}

export function bridgeOptionsFromConfig(config: Config, logger: Logger): BridgeOptions {
  return {
    bridgeId: config.string('MF_BRIDGE_ID'),
    mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_USERNAME'), password: config.string('MF_MQTT_PASSWORD'), tls: mqttTlsFromConfig(config) },
    shareGroup: shareGroupFromConfig(config.string('MF_BRIDGE_SHARE_GROUP')),
    commandGroupId: config.string('MF_BRIDGE_COMMAND_GROUP'),
    masterKey: config.string('MF_METER_MASTER_KEY'),
    receiveMaximum: config.int('MF_BRIDGE_RECEIVE_MAXIMUM'),
    sessionExpirySeconds: config.int('MF_BRIDGE_SESSION_EXPIRY_S'),
    kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
    batchMax: config.int('MF_BRIDGE_BATCH_MAX'),
    lingerMs: config.int('MF_BRIDGE_LINGER_MS'),
    drainTimeoutMs: config.int('MF_BRIDGE_DRAIN_TIMEOUT_MS'),
    limits: {
      maxPayloadBytes: config.int('MF_MAX_PAYLOAD_BYTES'),
      maxBatchReadings: config.int('MF_MAX_BATCH_READINGS'),
      maxPastMs: config.int('MF_READING_MAX_PAST_MS'),
      maxFutureMs: config.int('MF_READING_MAX_FUTURE_MS'),
      ranges: parseReadingRanges(config.string('MF_READING_RANGES')),
    },
    meterRateLimit: { perSecond: config.int('MF_BRIDGE_METER_RATE_LIMIT'), burst: config.int('MF_BRIDGE_METER_BURST') },
    stuckAfterMs: config.int('MF_BRIDGE_STUCK_AFTER_MS'),
    httpPort: config.int('MF_BRIDGE_HTTP_PORT'),
    httpHost: config.string('MF_HTTP_HOST'),
    metricsSampling: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') > 0 ? { questdbHttpUrl: config.string('MF_QUESTDB_HTTP_URL'), intervalMs: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') } : null,
    logger,
  };
}

function shareGroupFromConfig(value: string): string {
  if (value === 'none') return '';
  // The group is one topic level of `$share/<group>/...`.
  if (/[/+#]/.test(value)) throw new MeterflowError('CONFIG_INVALID', `MF_BRIDGE_SHARE_GROUP must not contain "/", "+" or "#"; got "${value}"`);
  return value;
}
