import type { GraphQLError } from 'graphql';
import { apiError } from '../errors';

/** Why a request's credentials were refused: `extensions.reason` of UNAUTHENTICATED errors. */
export const unauthenticatedReasons = {
  'no-credentials': 'Neither Authorization nor x-api-key was sent',
  'unsupported-scheme': 'Authorization is neither "ApiKey <key>" nor "Bearer <jwt>"',
  'unknown-api-key': 'No configured API key matches',
  'jwt-not-configured': 'A bearer JWT was sent but the server accepts no JWTs (no MF_GRAPHQL_JWT_SECRET / MF_GRAPHQL_JWKS_URL)',
  malformed: 'The bearer token is not a well-formed JWT',
  'unsupported-alg': 'The JWT algorithm is not accepted (HS256 with the secret, RS256/ES256 with the JWKS)',
  'bad-signature': 'The JWT signature does not verify',
  'unknown-key': 'The JWKS has no key matching the JWT header (kid/alg)',
  expired: 'The JWT exp is past (beyond the clock tolerance)',
  'not-yet-valid': 'The JWT nbf is in the future (beyond the clock tolerance)',
  'no-expiry': 'The JWT has no exp claim (tokens that never expire are refused)',
  'bad-claims': 'iss/aud do not match, sub is missing, the role claim is missing or not a role, or a customer has no customer id',
} as const;
export type UnauthenticatedReason = keyof typeof unauthenticatedReasons;

/**
 * UNAUTHENTICATED (HTTP 401) with the reason; the WWW-Authenticate header is what RFC 9110
 * requires of a 401 and tells clients which schemes are accepted.
 */
export function unauthenticated(reason: UnauthenticatedReason, message: string): GraphQLError {
  const error = apiError('UNAUTHENTICATED', message, { reason });
  const http = error.extensions.http as { status: number; headers?: Record<string, string> };
  http.headers = { 'WWW-Authenticate': 'ApiKey, Bearer' };
  return error;
}
