import type { Config } from '../core/config';
import { createKafkaTopics, type KafkaTopics } from '../core/contracts';
import { MeterflowError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { QuestdbPgOptions } from '../core/questdb/questdb-sql';
import { questdbPgFromConfig } from './raw-readings-sink/sink-options';
import { parseSlidingWindows, parseTumblingWindows, type SlidingWindowSpec, type TumblingWindowSpec } from './rolling-averages/window-specs';
import { checkTimeZone } from './time/local-time';

export interface ProcessorsOptions {
  /** @default 'meterflow-processors' */
  groupIdPrefix: string;
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  /** @default 120000 */
  allowedLatenessMs: number;
  /** @default 20000 */
  flushRecords: number;
  /** @default 500 */
  flushIntervalMs: number;
  /** @default 5000 */
  checkpointIntervalMs: number;
  rolling: { sliding: SlidingWindowSpec[]; tumbling: TumblingWindowSpec[]; timeZone: string };
  /** @default 18083 */
  httpPort: number | null;
  logger: Logger;
}

export function processorsOptionsFromConfig(config: Config, logger: Logger): ProcessorsOptions {
  let timeZone: string;
  try {
    timeZone = checkTimeZone(config.string('MF_ROLLUP_TIME_ZONE'));
  } catch (error) {
    throw new MeterflowError('CONFIG_INVALID', `MF_ROLLUP_TIME_ZONE: ${(error as Error).message}`);
  }
  return {
    groupIdPrefix: config.string('MF_PROCESSORS_GROUP_ID'),
    kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
    questdb: { httpUrl: config.string('MF_QUESTDB_HTTP_URL'), pg: questdbPgFromConfig(config) },
    allowedLatenessMs: config.int('MF_PROCESSORS_LATENESS_MS'),
    flushRecords: config.int('MF_PROCESSORS_FLUSH_RECORDS'),
    flushIntervalMs: config.int('MF_PROCESSORS_FLUSH_INTERVAL_MS'),
    checkpointIntervalMs: config.int('MF_PROCESSORS_CHECKPOINT_INTERVAL_MS'),
    rolling: { sliding: parseSlidingWindows(config.string('MF_ROLLING_WINDOWS')), tumbling: parseTumblingWindows(config.string('MF_ROLLUP_BUCKETS')), timeZone },
    httpPort: config.int('MF_PROCESSORS_HTTP_PORT'),
    logger,
  };
}
