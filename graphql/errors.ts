import { GraphQLError } from 'graphql';

/**
 * Errors clients may see. `extensions.code` is stable; `extensions.field` names the argument
 * at fault when there is one. Anything else thrown in a resolver is masked as "Unexpected error."
 */
export const apiErrorCodes = {
  BAD_USER_INPUT: 'An argument is invalid; extensions.field names it',
  UNAUTHENTICATED: 'No credentials, or credentials that are invalid or expired',
  FORBIDDEN: 'The caller\'s role may not do this, or the meter belongs to another customer',
  NOT_FOUND: 'The meter, alert, invoice or command does not exist (extensions.field names the argument)',
  CONFLICT: 'The operation does not apply to the current state (e.g. closing a closed alert)',
  RATE_LIMITED: 'Too many requests for this API key or subject; retry after extensions.retryAfterS',
  UNAVAILABLE: 'A backing service (Kafka, QuestDB) did not answer; retry later',
} as const;
export type ApiErrorCode = keyof typeof apiErrorCodes;

const httpStatus: Partial<Record<ApiErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, UNAVAILABLE: 503 };

export function apiError(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatus[code];
  return new GraphQLError(message, { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
}

/** A client mistake in one argument. */
export function badInput(field: string, message: string): GraphQLError {
  return apiError('BAD_USER_INPUT', `${field}: ${message}`, { field });
}

export function notFound(field: string, message: string): GraphQLError {
  return apiError('NOT_FOUND', `${field}: ${message}`, { field });
}

export function forbidden(message: string): GraphQLError {
  return apiError('FORBIDDEN', message);
}

export function conflict(field: string, message: string): GraphQLError {
  return apiError('CONFLICT', `${field}: ${message}`, { field });
}
