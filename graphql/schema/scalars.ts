import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';
import { parseEventTime } from '../../core/contracts';

const invalid = (value: unknown) =>
  new GraphQLError(`DateTime must be ISO 8601 with a zone, e.g. 2026-01-31T23:00:00Z; got ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });

/** Instants in and out as ISO 8601 strings (UTC on output); a zone is required on input. */
export const dateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, as an ISO 8601 string with a zone (Z or ±hh:mm). Output is always UTC with milliseconds.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'number') return new Date(value).toISOString();
    throw new GraphQLError('DateTime cannot represent this value');
  },
  parseValue: (value) => {
    if (typeof value !== 'string') throw invalid(value);
    const ms = parseEventTime(value);
    if (ms === null) throw invalid(value);
    return new Date(ms);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid(ast.kind);
    const ms = parseEventTime(ast.value);
    if (ms === null) throw invalid(ast.value);
    return new Date(ms);
  },
});

/** Deepest nesting a JSONObject argument may have (a TOU tariff's schedule is 4 levels deep). */
const maxJsonDepth = 10;

function jsonDepth(value: unknown, depth = 0): number {
  if (depth > maxJsonDepth) return depth;
  if (Array.isArray(value)) return value.reduce((max: number, v) => Math.max(max, jsonDepth(v, depth + 1)), depth + 1);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce((max: number, v) => Math.max(max, jsonDepth(v, depth + 1)), depth + 1);
  return depth;
}

const invalidObject = (why: string) => new GraphQLError(`JSONObject ${why}`, { extensions: { code: 'BAD_USER_INPUT' } });

function checkObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidObject('must be a JSON object');
  if (jsonDepth(value) > maxJsonDepth) throw invalidObject(`nests deeper than ${maxJsonDepth} levels`);
  return value as Record<string, unknown>;
}

/** A JSON object (a tariff definition), checked to be an object no deeper than 10 levels; its fields are validated by the field that takes it. */
export const jsonObjectScalar = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: 'JSONObject',
  description: 'A JSON object, at most 10 levels deep; pass it as a variable.',
  serialize: (value) => checkObject(value),
  parseValue: (value) => checkObject(value),
  parseLiteral: (ast, variables) => checkObject(valueFromASTUntyped(ast, variables)),
});
