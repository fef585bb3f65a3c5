/**
 * Why a device message was refused. Each reason is a dead-letter label and a metrics label,
 * so the set is closed and documented (docs/contracts.md).
 */
export const rejectionReasons = {
  PAYLOAD_TOO_LARGE: 'The MQTT payload is larger than MF_MAX_PAYLOAD_BYTES',
  MALFORMED_JSON: 'The payload is not valid UTF-8 JSON',
  FORBIDDEN_KEY: 'A key such as __proto__, constructor or prototype appears in the payload',
  INVALID_SHAPE: 'A field is missing, of the wrong type, out of range, or unknown',
  NON_FINITE_NUMBER: 'A number is NaN or Infinity (e.g. 1e999)',
  VALUE_OUT_OF_RANGE: 'A value or register is outside the physically plausible range of its meter kind (MF_READING_RANGES)',
  INVALID_METER_ID: 'The meter id is missing, empty, too long, or has characters outside [A-Za-z0-9._:-]',
  METER_ID_MISMATCH: 'The meter id in the payload differs from the one in the MQTT topic',
  UNKNOWN_KIND: 'The kind is not one of water, electricity, gas, temperature, generic',
  TIMESTAMP_OUT_OF_RANGE: 'The event time is further in the past or future than the configured bounds',
  BATCH_TOO_LARGE: 'A batch holds more readings than MF_MAX_BATCH_READINGS',
  UNKNOWN_TOPIC: 'The MQTT topic does not match any meterflow topic',
  RATE_LIMITED: 'The meter sent more messages than MF_BRIDGE_METER_RATE_LIMIT allows; the excess is dead-lettered, other meters are not slowed',
  KAFKA_REFUSED: 'Kafka refused the record the message became (too large or invalid) for a reason retrying cannot cure',
  UNREADABLE_ROW: 'A row of an imported file whose fields cannot be read as its mapping says (a timestamp in another format, a number that is not one)',
  STORED_READING_DIFFERS: 'An imported reading for an instant the readings table already holds with other numbers: a re-import never rewrites a stored reading (corrections are explicit)',
  QUESTDB_REFUSED: 'QuestDB refused the row the record became (e.g. a value its column cannot hold); isolated from the rest of its flush',
} as const;

export type RejectionReason = keyof typeof rejectionReasons;

export interface Rejection {
  reason: RejectionReason;
  /** Human-readable, names the field at fault. */
  detail: string;
  /** Index in a batch message, when one item of a batch is refused. */
  index?: number;
  /** That item, re-serialised, so the dead letter holds it rather than the whole batch. */
  item?: string;
}
