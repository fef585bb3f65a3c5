import { idPattern, maxIdLength } from '../../core/contracts';
import { badInput } from '../errors';

/** Argument checks shared by every module; each failure names the argument. */

export function validateId(field: string, value: string): void {
  if (value.length === 0 || value.length > maxIdLength || !idPattern.test(value)) {
    throw badInput(field, `must be 1-${maxIdLength} characters of [A-Za-z0-9._:-]`);
  }
}

/** from < to and to - from <= maxRangeMs. */
export function validateRange(from: Date, to: Date, maxRangeMs: number, fields: [string, string] = ['from', 'to']): void {
  if (from.getTime() >= to.getTime()) throw badInput(fields[0], `must be before "${fields[1]}"`);
  if (to.getTime() - from.getTime() > maxRangeMs) {
    throw badInput(fields[1], `the range is longer than the server's limit of ${Math.round(maxRangeMs / 86_400_000)} days (MF_GRAPHQL_MAX_RANGE_DAYS)`);
  }
}

export function validatePageSize(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(field, `must be between 1 and ${max}`);
}

/** Opaque cursors: base64url of a JSON value, so clients do not build them. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(field: string, cursor: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(field, 'is not a cursor this API returned');
  }
  if (!isValid(value)) throw badInput(field, 'is not a cursor this API returned');
  return value;
}
