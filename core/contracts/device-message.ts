import type { ZodError, ZodIssue } from 'zod';
import { deviceAckSchema, type DeviceAck } from './command';
import { defaultUnits } from './meter-kind';
import { parseDeviceTopic, type DeviceTopic } from './mqtt-topics';
import { meterKinds } from './meter-kind';
import { idPattern, maxIdLength, printableText } from './wire-fields';
import { wireEdgeStatsSchema, type EdgeStats } from '../streams/edge-statistics';
import { wireBatchSchema, wireReadingSchema, type Reading, type WireReading } from '../streams/readings';
import { defaultReadingRanges, rangeProblem, type ReadingRanges } from './reading-ranges';
import type { Rejection, RejectionReason } from './rejection';
import { jsonDepthOver } from '../json-depth';
import { parseEventTime } from './timestamp';

export interface ValidationLimits {
  maxPayloadBytes: number;
  maxBatchReadings: number;
  /** Oldest accepted event time, relative to the receive time. */
  maxPastMs: number;
  /** Furthest accepted event time ahead of the receive time (clock skew). */
  maxFutureMs: number;
  /** Physically plausible values and registers per meter kind. @default defaultReadingRanges */
  ranges?: ReadingRanges;
}

/** Everything one MQTT message turned into: accepted records, and a rejection per refused part. */
export interface DeviceMessageResult {
  readings: Reading[];
  edgeStats: EdgeStats[];
  /** A meter's answers to commands (from `meters/{id}/acks`). */
  commandAcks: { meterId: string; ack: DeviceAck }[];
  rejections: Rejection[];
  /** The meter id the topic names, when it names one (used as the dead-letter key). */
  topicMeterId: string | null;
  /** What the topic says the message is; 'unknown' outside the topic tree. */
  topicType: DeviceTopic['type'] | 'unknown';
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

class Rejected extends Error {
  constructor(readonly reason: RejectionReason, readonly detail: string) {
    super(detail);
  }
}

/** Parses, validates and normalises one incoming device message. Never throws. */
export function parseDeviceMessage(topic: string, payload: Buffer, receivedAt: number, limits: ValidationLimits): DeviceMessageResult {
  const route = parseDeviceTopic(topic);
  const topicMeterId = route && 'meterId' in route ? route.meterId : null;
  const result: DeviceMessageResult = { readings: [], edgeStats: [], commandAcks: [], rejections: [], topicMeterId, topicType: route?.type ?? 'unknown' };
  const reject = (error: unknown, index?: number, item?: unknown) => {
    // Anything unexpected (e.g. a RangeError from absurd nesting) is still a rejection, never a throw.
    const { reason, detail } = error instanceof Rejected ? error : { reason: 'INVALID_SHAPE' as const, detail: `unreadable: ${(error as Error)?.message ?? String(error)}` };
    result.rejections.push(index === undefined ? { reason, detail } : { reason, detail, index, item: serialiseItem(item) });
  };
  try {
    if (!route) throw new Rejected('UNKNOWN_TOPIC', `no reading, batch, stats or acks topic matches "${topic}"`);
    if (route.type !== 'gateway-batch') checkId(route.meterId, 'topic meter id');
    else checkId(route.gatewayId, 'topic gateway id');
    if (payload.length > limits.maxPayloadBytes) {
      throw new Rejected('PAYLOAD_TOO_LARGE', `payload is ${payload.length} bytes; the limit is ${limits.maxPayloadBytes}`);
    }
    const body = decodeJson(payload);
    if (route.type === 'reading') result.readings.push(toReading(body, route.meterId, receivedAt, limits));
    else if (route.type === 'edge-stats') result.edgeStats.push(toEdgeStats(body, route.meterId, receivedAt, limits));
    else if (route.type === 'command-ack') {
      const ack = deviceAckSchema.safeParse(body);
      if (!ack.success) throw fromZod(ack.error, body);
      result.commandAcks.push({ meterId: route.meterId, ack: ack.data });
    }
    else {
      const batch = wireBatchSchema.safeParse(body);
      if (!batch.success) throw fromZod(batch.error, body);
      if (batch.data.gatewayId !== undefined && batch.data.gatewayId !== route.gatewayId) {
        throw new Rejected('METER_ID_MISMATCH', `"gatewayId" is "${batch.data.gatewayId}" but the topic names "${route.gatewayId}"`);
      }
      if (batch.data.readings.length === 0) throw new Rejected('INVALID_SHAPE', '"readings": a batch needs at least one reading');
      if (batch.data.readings.length > limits.maxBatchReadings) {
        throw new Rejected('BATCH_TOO_LARGE', `batch holds ${batch.data.readings.length} readings; the limit is ${limits.maxBatchReadings}`);
      }
      // One bad item must not take the good ones down with it.
      batch.data.readings.forEach((item, index) => {
        try {
          result.readings.push(toReading(item, null, receivedAt, limits));
        } catch (error) {
          reject(error, index, item);
        }
      });
    }
  } catch (error) {
    reject(error);
  }
  return result;
}

/**
 * Validates one reading that did not come through MQTT (a history import): the same checks a
 * device's reading gets, item by item, with the same rejection reasons. Never throws.
 */
export function validateWireReading(body: unknown, receivedAt: number, limits: Pick<ValidationLimits, 'maxPastMs' | 'maxFutureMs' | 'ranges'>): { reading: Reading } | { rejection: Rejection } {
  try {
    return { reading: toReading(body, null, receivedAt, { maxPayloadBytes: 0, maxBatchReadings: 0, ...limits }) };
  } catch (error) {
    if (error instanceof Rejected) return { rejection: { reason: error.reason, detail: error.detail } };
    return { rejection: { reason: 'INVALID_SHAPE', detail: `unreadable: ${(error as Error)?.message ?? String(error)}` } };
  }
}

/**
 * Deepest nesting of arrays and objects a device message may have. A gateway batch item is at
 * depth 2 and nothing meterflow reads goes deeper than 3; JSON.parse spends seconds of
 * synchronous CPU on a 1 MiB `[[[[…]]]]` (and its reviver overflows the stack), stalling every
 * other meter's messages, so deeper payloads are refused before parsing.
 */
export const maxJsonDepth = 16;

function decodeJson(payload: Buffer): unknown {
  if (jsonDepthOver(payload, maxJsonDepth)) throw new Rejected('INVALID_SHAPE', `payload nests arrays or objects deeper than ${maxJsonDepth} levels`);
  const text = payload.toString('utf8');
  // A reviver slows JSON.parse down several times; only pay for it when a forbidden key may be present.
  // A \u escape can spell a forbidden key too, so it also takes the careful path.
  const suspicious = text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u');
  try {
    return suspicious ? JSON.parse(text, forbidKeys) : JSON.parse(text);
  } catch (error) {
    if (error instanceof Rejected) throw error;
    throw new Rejected('MALFORMED_JSON', `payload is not valid JSON: ${(error as Error).message}`);
  }
}

function serialiseItem(item: unknown): string {
  try {
    return JSON.stringify(item) ?? 'undefined';
  } catch {
    return '(item too deeply nested to serialise)';
  }
}

function forbidKeys(key: string, value: unknown): unknown {
  if (forbiddenKeys.has(key)) throw new Rejected('FORBIDDEN_KEY', `key "${key}" is not allowed`);
  return value;
}

function checkId(id: string, field: string): void {
  if (id.length === 0 || id.length > maxIdLength || !idPattern.test(id)) {
    throw new Rejected('INVALID_METER_ID', `${field} must be 1-${maxIdLength} characters of [A-Za-z0-9._:-]`);
  }
}

function toReading(body: unknown, topicMeterId: string | null, receivedAt: number, limits: ValidationLimits): Reading {
  let wire = plainWireReading(body);
  if (wire === null) {
    // Not certainly valid: the schema decides, and names the field at fault when it refuses.
    const parsed = wireReadingSchema.safeParse(body);
    if (!parsed.success) throw fromZod(parsed.error, body);
    wire = parsed.data;
  }
  const meterId = resolveMeterId(wire.meterId, topicMeterId);
  if (wire.value === undefined && wire.register === undefined) {
    throw new Rejected('INVALID_SHAPE', 'a reading needs "value", "register" or both');
  }
  const units = defaultUnits[wire.kind];
  if (wire.register !== undefined && units.register === null) {
    throw new Rejected('INVALID_SHAPE', `"register": a ${wire.kind} meter has no cumulative register`);
  }
  const ranges = limits.ranges ?? defaultReadingRanges;
  const outOfRange = (wire.value !== undefined ? rangeProblem(ranges, wire.kind, 'value', wire.value) : null) ?? (wire.register !== undefined ? rangeProblem(ranges, wire.kind, 'register', wire.register) : null);
  if (outOfRange) throw new Rejected('VALUE_OUT_OF_RANGE', outOfRange);
  return {
    meterId,
    kind: wire.kind,
    ts: checkTime(wire.ts, 'ts', receivedAt, limits),
    value: wire.value ?? null,
    valueUnit: wire.valueUnit ?? units.value,
    register: wire.register ?? null,
    registerUnit: wire.registerUnit ?? units.register ?? '',
    seq: wire.seq ?? null,
    sector: wire.sector ?? null,
    receivedAt,
  };
}

const wireReadingKeys = new Set(['meterId', 'kind', 'ts', 'value', 'valueUnit', 'register', 'registerUnit', 'seq', 'sector']);
const kindSet = new Set<string>(meterKinds);
const isId = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= maxIdLength && idPattern.test(v);
const isUnit = (v: unknown) => typeof v === 'string' && v.length <= 16 && printableText.test(v);
const isFinite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * The body as a WireReading when plain code can tell it satisfies wireReadingSchema, else null.
 * Every reading passes here, so this is the schema written out once as code instead of zod
 * interpreting it per reading (a tenth of the bridge's CPU). It accepts only what the schema
 * accepts (a subset is enough: anything it does not vouch for goes to the schema, which gives
 * the exact verdict and message), so behaviour is the schema's. Exported for the test that
 * holds it to that against many generated hostile inputs (plain-wire-reading.test.ts).
 */
export function plainWireReading(body: unknown): WireReading | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const r = body as Record<string, unknown>;
  for (const key in r) if (!wireReadingKeys.has(key)) return null;
  if (r.meterId !== undefined && !isId(r.meterId)) return null;
  if (typeof r.kind !== 'string' || !kindSet.has(r.kind)) return null;
  if (!(typeof r.ts === 'string' ? r.ts.length <= 40 : Number.isSafeInteger(r.ts))) return null;
  if (r.value !== undefined && !isFinite(r.value)) return null;
  if (r.register !== undefined && !isFinite(r.register)) return null;
  if (r.valueUnit !== undefined && !isUnit(r.valueUnit)) return null;
  if (r.registerUnit !== undefined && !isUnit(r.registerUnit)) return null;
  if (r.seq !== undefined && !(Number.isSafeInteger(r.seq) && (r.seq as number) >= 0)) return null;
  if (r.sector !== undefined && !isId(r.sector)) return null;
  return r as WireReading;
}

function toEdgeStats(body: unknown, topicMeterId: string, receivedAt: number, limits: ValidationLimits): EdgeStats {
  const parsed = wireEdgeStatsSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, body);
  const wire = parsed.data;
  const from = checkTime(wire.from, 'from', receivedAt, limits);
  const to = checkTime(wire.to, 'to', receivedAt, limits);
  if (to <= from) throw new Rejected('INVALID_SHAPE', '"to" must be after "from"');
  if (!(wire.min <= wire.mean && wire.mean <= wire.max)) throw new Rejected('INVALID_SHAPE', '"min" <= "mean" <= "max" must hold');
  // One sample has one value: its min, max and mean are that value.
  if (wire.count === 1 && !(wire.min === wire.max && wire.mean === wire.min)) throw new Rejected('INVALID_SHAPE', '"count" is 1 but "min", "mean" and "max" differ (one sample has one value)');
  const ranges = limits.ranges ?? defaultReadingRanges;
  const outOfRange = rangeProblem(ranges, wire.kind, 'value', wire.min) ?? rangeProblem(ranges, wire.kind, 'value', wire.max);
  if (outOfRange) throw new Rejected('VALUE_OUT_OF_RANGE', outOfRange.replace('"value"', '"min"/"max"'));
  return {
    meterId: resolveMeterId(wire.meterId, topicMeterId),
    kind: wire.kind,
    from,
    to,
    count: wire.count,
    min: wire.min,
    max: wire.max,
    mean: wire.mean,
    unit: wire.unit ?? defaultUnits[wire.kind].value,
    sector: wire.sector ?? null,
    receivedAt,
  };
}

function resolveMeterId(payloadId: string | undefined, topicId: string | null): string {
  if (topicId === null) {
    if (payloadId === undefined) throw new Rejected('INVALID_METER_ID', '"meterId" is required in a batch item');
    return payloadId;
  }
  if (payloadId !== undefined && payloadId !== topicId) {
    throw new Rejected('METER_ID_MISMATCH', `"meterId" is "${payloadId}" but the topic names "${topicId}"`);
  }
  return topicId;
}

function checkTime(input: string | number, field: string, receivedAt: number, limits: ValidationLimits): number {
  const ms = parseEventTime(input);
  if (ms === null) throw new Rejected('INVALID_SHAPE', `"${field}" must be ISO 8601 with a zone (Z or +hh:mm) or integer epoch milliseconds`);
  if (ms < receivedAt - limits.maxPastMs || ms > receivedAt + limits.maxFutureMs) {
    throw new Rejected('TIMESTAMP_OUT_OF_RANGE', `"${field}" ${new Date(ms).toISOString()} is outside [now - ${limits.maxPastMs} ms, now + ${limits.maxFutureMs} ms] (epoch seconds instead of milliseconds?)`);
  }
  return ms;
}

/** Maps the first zod issue to a rejection reason that names the field. */
function fromZod(error: ZodError, body: unknown): Rejected {
  const issue = error.issues[0] as ZodIssue;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(message)';
  const value = valueAt(body, issue.path);
  if (typeof value === 'number' && !Number.isFinite(value)) return new Rejected('NON_FINITE_NUMBER', `"${field}" is not a finite number`);
  const leaf = issue.path[issue.path.length - 1];
  if (leaf === 'kind') return new Rejected('UNKNOWN_KIND', `"kind" must be one of water, electricity, gas, temperature, generic; got ${JSON.stringify(value)}`);
  if (leaf === 'meterId') return new Rejected('INVALID_METER_ID', `"meterId" must be 1-${maxIdLength} characters of [A-Za-z0-9._:-]`);
  if (issue.code === 'unrecognized_keys') return new Rejected('INVALID_SHAPE', `unknown field(s) ${listKeys(issue.keys)}`);
  return new Rejected('INVALID_SHAPE', `"${field}": ${issue.message}`);
}

/**
 * Names a few unknown keys, each cut short: a device may send hundreds of long keys, and the
 * rejection detail must stay small whatever it sends (the dead letter carries the payload itself).
 */
function listKeys(keys: string[]): string {
  const shown = keys.slice(0, 5).map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return keys.length > shown.length ? `${shown.join(', ')} and ${keys.length - shown.length} more` : shown.join(', ');
}

function valueAt(body: unknown, path: (string | number)[]): unknown {
  let node = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
