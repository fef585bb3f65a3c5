/**
 * Every error meterflow raises on purpose carries a stable `code` (for logs, metrics and
 * GraphQL `extensions.code`) and `retriable`, which retry loops read instead of guessing
 * from the message (the kafkajs habit).
 */
export const errorCodes = {
  CONFIG_INVALID: 'Configuration is invalid; the message names the variable',
  CONFIG_INSECURE: 'Production mode refused a secret (a documented default or placeholder, or too weak); the message names the variable, never its value',
  METRICS_DUPLICATE_SERIES: 'A metric series (name and labels) was registered twice; Prometheus would reject the scrape',
  STREAM_RECORD_INVALID: 'A record read from a Kafka topic is not of its stream\'s shape; the message names the stream and the field. The consumer skips it',
  READING_REJECTED: 'A message from a device failed validation (see its rejection reason)',
  KAFKA_UNAVAILABLE: 'Kafka did not accept a request',
  KAFKA_RECORD_REJECTED: 'Kafka refused records as too large or invalid; retrying the same request cannot succeed',
  QUESTDB_WRITE_FAILED: 'QuestDB refused or did not acknowledge a write',
  QUESTDB_ROW_INVALID: 'A row holds a value its column cannot store (a LONG beyond 2^53, a non-finite DOUBLE, a timestamp out of range); the row is refused before it reaches the buffer',
  QUESTDB_ROW_REFUSED: 'QuestDB refused a row of a flush; it was isolated by bisecting the flush and dead-lettered, the rest was written',
  QUESTDB_QUERY_FAILED: 'A QuestDB query failed',
  MQTT_UNAVAILABLE: 'The MQTT broker is unreachable or refused the connection',
  SHUTTING_DOWN: 'The service is draining and accepts no new work',
  PROCESSOR_STATE_NOT_SETTLED: 'QuestDB has not applied every committed state checkpoint; a restore fails and is retried rather than read an older state',
  PROCESSOR_REBALANCED: 'Partitions moved since the last checkpoint; the processor re-reads from its last commit (expected, retried)',
  BILLING_CONFIG_INVALID: 'A tariff, tariff assignment or billing option is invalid; the message names the field',
  TARIFF_SCHEDULE_INVALID: 'A time-of-use schedule file given to a tariff converter is malformed (header, time, band, order); the message names the line',
  ALERT_CONFIG_INVALID: 'A leak-detection or alert-rule setting is invalid; the message names the field',
  WEBHOOK_DELIVERY_FAILED: 'A webhook endpoint did not accept an alert after all retries',
  LOAD_TEST_INVALID: 'A load-test scenario file or its options are invalid (k6-shaped options, durations, thresholds); the message names the field',
  SCHEDULED_TASK_INVALID: 'A scheduled task was started with an invalid option (the message names it)',
  IMPORT_MAPPING_INVALID: 'A history import\'s column mapping (flags, preset or mapping file) is invalid or does not match the file\'s header; the message names the field',
  IMPORT_FILE_UNREADABLE: 'A file given to the history import cannot be opened or decompressed',
  PAYMENT_PAYLOAD_INVALID: 'A payment payload (PIX BR Code, EPC QR, payment URL) cannot be built from these values; the message names the field',
  LOAD_TEST_USAGE: 'The load-test command line is invalid (unknown flag, missing value, unknown scenario); see --help',
  BACKUP_INVALID: 'A backup folder is missing, incomplete (no manifest: the backup did not finish) or of another format; the message names the file',
  BACKUP_REFUSED: 'A backup or restore was refused to protect data: QuestDB or a consumer group still running, a target data folder not empty, or offsets Kafka no longer holds (see --force); the message says which',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class MeterflowError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MeterflowError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isMeterflowError(error: unknown, code?: ErrorCode): error is MeterflowError {
  return error instanceof MeterflowError && (code === undefined || error.code === code);
}

/** A readable one-line description of anything thrown, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof MeterflowError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
