import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
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
