import type { Config } from '../../core/config';
import { createKafkaTopics, type KafkaTopics } from '../../core/contracts';
import type { Logger } from '../../core/logger';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import type { QuestdbPgOptions } from '../../core/questdb/questdb-sql';

export interface SinkOptions {
  /** @default 'meterflow-raw-readings-sink' */
  groupId: string;
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  /** Flush to QuestDB once this many rows are buffered. @default 20000 */
  flushRows: number;
  /** …or once the oldest buffered row is this old. @default 200 */
  flushIntervalMs: number;
  /** Port of /health and /metrics; 0 picks a free one, null serves none. @default 18082 */
  httpPort: number | null;
  /** Interface of that port (MF_HTTP_HOST). @default 127.0.0.1 */
  httpHost?: string;
  /** Writes the sink's metrics and consumer lag to QuestDB (service_metrics); null = never. */
  metricsSampling?: { intervalMs: number } | null;
  logger: Logger;
}

export function sinkOptionsFromConfig(config: Config, logger: Logger): SinkOptions {
  return {
    groupId: config.string('MF_SINK_GROUP_ID'),
    kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
    questdb: { httpUrl: config.string('MF_QUESTDB_HTTP_URL'), pg: questdbPgFromConfig(config) },
    flushRows: config.int('MF_SINK_FLUSH_ROWS'),
    flushIntervalMs: config.int('MF_SINK_FLUSH_INTERVAL_MS'),
    httpPort: config.int('MF_SINK_HTTP_PORT'),
    httpHost: config.string('MF_HTTP_HOST'),
    metricsSampling: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') > 0 ? { intervalMs: config.int('MF_METRICS_SAMPLE_INTERVAL_MS') } : null,
    logger,
  };
}
