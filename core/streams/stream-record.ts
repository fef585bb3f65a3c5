import type { z } from 'zod';
import { MeterflowError } from '../errors';

/**
 * Decoding a record that crossed from Kafka. Producers are our own services, but a topic is
 * open to anyone with the brokers' address and holds records of older versions, so every
 * consumer validates once at its edge: a record that fails is refused with a typed error
 * naming the field, and the consumer skips it instead of writing or fanning it out.
 */
export function streamRecordError(stream: string, field: string, reason: string): MeterflowError {
  return new MeterflowError('STREAM_RECORD_INVALID', `${stream} record: ${field} ${reason}`);
}

/** JSON of the record's bytes; an absent or unparsable value is a record error, not an exception of JSON.parse. */
export function parseRecordJson(stream: string, value: Buffer | string | null): unknown {
  if (value === null || value.length === 0) throw streamRecordError(stream, '(value)', 'is empty');
  try {
    return JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as unknown;
  } catch {
    throw streamRecordError(stream, '(value)', 'is not JSON');
  }
}

/** The record's JSON checked against the stream's schema; the error names the first field that fails. */
export function decodeRecord<S extends z.ZodTypeAny>(stream: string, schema: S, value: Buffer | string | null): z.output<S> {
  return checkRecord(stream, schema, parseRecordJson(stream, value));
}

/** An already parsed record (or a row's columns) checked against the stream's schema, with the same typed error. */
export function checkRecord<S extends z.ZodTypeAny>(stream: string, schema: S, record: unknown): z.output<S> {
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data as z.output<S>;
  const issue = parsed.error.issues[0]!;
  throw streamRecordError(stream, issue.path.length > 0 ? issue.path.join('.') : '(value)', issue.message);
}
