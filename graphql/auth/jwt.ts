import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { idPattern, maxIdLength } from '../../core/contracts';
import { MeterflowError } from '../../core/errors';
import { apiError } from '../errors';
import { roles, type Principal, type Role } from './principal';
import { unauthenticated } from './unauthenticated';

export interface JwtOptions {
  /** HS256 secret, '' = HS256 not accepted. */
  secret: string;
  /** JWKS for RS256/ES256, '' = none. */
  jwksUrl: string;
  /** Required iss, '' = not checked. */
  issuer: string;
  /** Required aud, '' = not checked. */
  audience: string;
  roleClaim: string;
  customerClaim: string;
  /** Allowed skew of exp/nbf against this server's clock. */
  clockToleranceS?: number;
  /** How long one JWKS fetch may take. */
  jwksTimeoutMs?: number;
  /** Production: issuer and audience must be set (a token for another service must not log in here). @default false */
  production?: boolean;
}

/** Verifies a bearer JWT and maps its claims to a principal; throws UNAUTHENTICATED with a reason. */
export interface JwtVerifier {
  verify(token: string): Promise<Principal>;
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits). */
export const minJwtSecretLength = 32;
const asymmetricAlgs = ['RS256', 'ES256'];
const defaultClockToleranceS = 30;

export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  if (options.secret && options.secret.length < minJwtSecretLength) {
    throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_JWT_SECRET: must be at least ${minJwtSecretLength} characters (256 bits for HS256)`);
  }
  if (options.production) {
    // Without iss/aud checks any token the identity provider signs for any application (same
    // keys, same tenant) would be accepted here.
    if (!options.issuer) throw new MeterflowError('CONFIG_INVALID', 'MF_GRAPHQL_JWT_ISSUER: required in production when JWTs are accepted (the iss every token must carry)');
    if (!options.audience) throw new MeterflowError('CONFIG_INVALID', 'MF_GRAPHQL_JWT_AUDIENCE: required in production when JWTs are accepted (the aud every token must carry)');
  }
  if (!options.roleClaim) throw new MeterflowError('CONFIG_INVALID', 'MF_GRAPHQL_JWT_ROLE_CLAIM: must not be empty');
  if (!options.customerClaim) throw new MeterflowError('CONFIG_INVALID', 'MF_GRAPHQL_JWT_CUSTOMER_CLAIM: must not be empty');
  const secret = options.secret ? new TextEncoder().encode(options.secret) : null;
  let jwks: JWTVerifyGetKey | null = null;
  if (options.jwksUrl) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_JWKS_URL: not a URL: ${options.jwksUrl}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MeterflowError('CONFIG_INVALID', 'MF_GRAPHQL_JWKS_URL: must be an http(s) URL');
    // jose caches the set and refetches (at most every cooldown) when a token names an unknown kid: key rotation just works.
    jwks = createRemoteJWKSet(url, { timeoutDuration: options.jwksTimeoutMs ?? 5000 });
  }
  const verifyOptions = {
    issuer: options.issuer || undefined,
    audience: options.audience || undefined,
    clockTolerance: options.clockToleranceS ?? defaultClockToleranceS,
    // A token without exp would be valid forever: a leaked one could never be contained.
    requiredClaims: ['exp'],
  };

  return {
    async verify(token) {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw unauthenticated('malformed', 'the bearer token is not a JWT');
      }
      let payload: JWTPayload;
      try {
        if (alg === 'HS256' && secret) {
          ({ payload } = await jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] }));
        } else if (alg && asymmetricAlgs.includes(alg) && jwks) {
          ({ payload } = await jwtVerify(token, jwks, { ...verifyOptions, algorithms: asymmetricAlgs }));
        } else {
          throw unauthenticated('unsupported-alg', `JWT algorithm ${String(alg)} is not accepted by this server`);
        }
      } catch (error) {
        throw verificationError(error);
      }
      return principalFromClaims(payload, options);
    },
  };
}

/** jose's error classes -> UNAUTHENTICATED reasons (an unreachable JWKS is our outage, not the client's fault). */
function verificationError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated('expired', 'the JWT has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return unauthenticated('not-yet-valid', 'the JWT is not valid yet (nbf)');
    if (error.claim === 'exp' && error.reason === 'missing') return unauthenticated('no-expiry', 'the JWT has no exp claim; tokens must expire');
    return unauthenticated('bad-claims', `the JWT claim ${error.claim} is not accepted`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('bad-signature', 'the JWT signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated('unknown-key', 'no key of the JWKS matches the JWT header');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return unauthenticated('unsupported-alg', 'the JWT algorithm is not accepted');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) {
    return apiError('UNAVAILABLE', 'the JWT signing keys (JWKS) could not be fetched; retry later');
  }
  return unauthenticated('malformed', 'the bearer token is not a valid JWT');
}

function principalFromClaims(payload: JWTPayload, options: JwtOptions): Principal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('bad-claims', 'the JWT has no sub');
  const role = payload[options.roleClaim];
  if (typeof role !== 'string' || !roles.includes(role as Role)) {
    throw unauthenticated('bad-claims', `the JWT claim ${options.roleClaim} must be one of ${roles.join(', ')}`);
  }
  // exp is required (verify), kept so that long-lived connections (graphql-ws) end with the token.
  const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  const expiry = expiresAt === undefined ? {} : { expiresAt };
  if (role !== 'customer') return { subject: payload.sub, role: role as Role, customerId: null, via: 'jwt', ...expiry };
  const customerId = payload[options.customerClaim];
  if (typeof customerId !== 'string' || customerId.length === 0 || customerId.length > maxIdLength || !idPattern.test(customerId)) {
    throw unauthenticated('bad-claims', `role customer requires the JWT claim ${options.customerClaim} (a customer id)`);
  }
  return { subject: payload.sub, role: 'customer', customerId, via: 'jwt', ...expiry };
}
