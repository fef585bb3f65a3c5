import { z } from 'zod';
import { meterKinds, type MeterKind } from './meter-kind';

/** Meter and sector ids: short, printable, safe in MQTT topics, Kafka keys and SQL literals. */
export const idPattern = /^[A-Za-z0-9._:-]+$/;
export const maxIdLength = 64;

const idSchema = z.string().min(1).max(maxIdLength).regex(idPattern);
/**
 * Printable text only: QuestDB refuses a row holding NUL (with the whole ILP request, so the sink
 * must bisect every flush such a meter's readings are in), and control characters have no place
 * in a unit or a reason.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const printableText = /^[^\u0000-\u001f\u007f]*$/;
const unitSchema = z.string().max(16).regex(printableText, 'must not contain control characters');
/** ISO 8601 with an explicit zone (Z or ±hh:mm), or epoch milliseconds. */
/** Finite: JSON such as 1e999 parses to Infinity. */
const finite = () => z.number().finite();
const timestampSchema = z.union([z.string().max(40), z.number().int().finite()]);
/** An integer a QuestDB LONG stores exactly: zod's .int() alone accepts 1e21, which ILP writes as "1e+21i" and QuestDB refuses. */
const safeInt = () => z.number().int().safe();

/**
 * A reading as a device sends it. `value` is the instantaneous quantity (flow, power,
 * temperature); `register` the cumulative counter. At least one must be present.
 */
export const wireReadingSchema = z
  .object({
    meterId: idSchema.optional(),
    kind: z.enum(meterKinds),
    ts: timestampSchema,
    value: finite().optional(),
    valueUnit: unitSchema.optional(),
    register: finite().optional(),
    registerUnit: unitSchema.optional(),
    seq: safeInt().nonnegative().optional(),
    sector: idSchema.optional(),
  })
  .strict();

export type WireReading = z.infer<typeof wireReadingSchema>;

/** A concentrator or edge gateway sends many readings (of many meters) in one message. */
export const wireBatchSchema = z
  .object({
    gatewayId: idSchema.optional(),
    readings: z.array(z.unknown()),
  })
  .strict();

/** Seed 004's edge computing: a node keeps raw data and sends interval statistics instead. */
export const wireEdgeStatsSchema = z
  .object({
    meterId: idSchema.optional(),
    kind: z.enum(meterKinds),
    from: timestampSchema,
    to: timestampSchema,
    count: safeInt().positive(),
    min: finite(),
    max: finite(),
    mean: finite(),
    unit: unitSchema.optional(),
    sector: idSchema.optional(),
  })
  .strict();

export type WireEdgeStats = z.infer<typeof wireEdgeStatsSchema>;

/** A validated reading, as carried on Kafka (JSON, key = meterId) and stored in QuestDB. */
export interface Reading {
  meterId: string;
  kind: MeterKind;
  /** Event time, epoch milliseconds. */
  ts: number;
  value: number | null;
  valueUnit: string;
  register: number | null;
  registerUnit: string;
  seq: number | null;
  sector: string | null;
  /** When the bridge received the MQTT message, epoch milliseconds. */
  receivedAt: number;
}

/** Validated edge statistics over [from, to). */
export interface EdgeStats {
  meterId: string;
  kind: MeterKind;
  from: number;
  to: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  unit: string;
  sector: string | null;
  receivedAt: number;
}
