import { MeterflowError } from '../errors';
import { meterKinds, type MeterKind } from './meter-kind';

/** Inclusive bounds of one quantity. */
export type Range = readonly [min: number, max: number];

export interface KindRanges {
  /** The instantaneous value, in the kind's default unit (a rate, or a level for temperature). */
  value: Range;
  /** The cumulative register, in the kind's default unit. */
  register: Range;
}

export type ReadingRanges = Readonly<Record<MeterKind, KindRanges>>;

/**
 * What a meter of each kind can physically report. A value outside is a faulty or hostile
 * device, and it must not reach group averages, bills or QuestDB's columns (1e300 is a valid
 * double, but a bill of it is not). Generous on purpose: a district water meter may pass
 * 10 m³/min; electricity may be negative (export); registers never are. Override per kind
 * with MF_READING_RANGES.
 */
export const defaultReadingRanges: ReadingRanges = Object.freeze({
  water: { value: [0, 1e6], register: [0, 1e12] }, // L/min, L
  electricity: { value: [-1e6, 1e6], register: [0, 1e12] }, // kW, kWh
  gas: { value: [0, 1e6], register: [0, 1e12] }, // m3/h, m3
  temperature: { value: [-100, 1000], register: [0, 0] }, // degC; no register
  generic: { value: [-1e12, 1e12], register: [-1e15, 1e15] },
});

/** The largest integer a QuestDB LONG and a JSON number both hold exactly. */
export const isSafeLong = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);
/** A QuestDB DOUBLE column refuses nothing finite, but NaN and ±Infinity become NULL or fail. */
export const isFiniteDouble = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** What is wrong with a value for its kind and field, or null. */
export function rangeProblem(ranges: ReadingRanges, kind: MeterKind, field: 'value' | 'register', n: number): string | null {
  const [min, max] = ranges[kind][field];
  return n >= min && n <= max ? null : `"${field}" ${n} is outside the plausible range [${min}, ${max}] of a ${kind} meter (MF_READING_RANGES)`;
}

/**
 * Reads MF_READING_RANGES: JSON such as `{"water":{"value":[0,5000]}}`; kinds and fields left
 * out keep their defaults. Errors name the offending path.
 */
export function parseReadingRanges(json: string): ReadingRanges {
  if (json.trim() === '') return defaultReadingRanges;
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw invalid('', `is not JSON: ${(error as Error).message}`);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('', 'must be a JSON object keyed by meter kind');
  const result: Record<string, KindRanges> = {};
  for (const kind of meterKinds) result[kind] = { ...defaultReadingRanges[kind] };
  for (const [kind, fields] of Object.entries(input)) {
    if (!(meterKinds as readonly string[]).includes(kind)) throw invalid(kind, `is not a meter kind (${meterKinds.join(', ')})`);
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw invalid(kind, 'must be an object with "value" and/or "register"');
    for (const [field, range] of Object.entries(fields as Record<string, unknown>)) {
      if (field !== 'value' && field !== 'register') throw invalid(`${kind}.${field}`, 'is not "value" or "register"');
      const [min, max] = Array.isArray(range) && range.length === 2 ? (range as unknown[]) : [];
      if (!isFiniteDouble(min) || !isFiniteDouble(max) || min > max) {
        throw invalid(`${kind}.${field}`, 'must be [min, max] of finite numbers with min <= max');
      }
      result[kind]![field] = [min, max];
    }
  }
  return Object.freeze(result) as ReadingRanges;
}

function invalid(path: string, what: string): MeterflowError {
  return new MeterflowError('CONFIG_INVALID', `MF_READING_RANGES${path ? `.${path}` : ''} ${what}`);
}

/** The end of QuestDB's TIMESTAMP in epoch ms (2^63 µs, year 2262): the latest instant any timestamp column or designated timestamp holds. */
export const maxTimestampMs = 9_223_372_036_854;

