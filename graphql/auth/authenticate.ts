import { MeterflowError } from '../../core/errors';
import { createLogger, type Logger } from '../../core/logger';
import type { AuthOptions } from '../graphql-options';
import { createApiKeyStore, devApiKeys, hashApiKey, loadApiKeysFile, parseInlineApiKeys, type ApiKeyRecord } from './api-keys';
import { createJwtVerifier, type JwtVerifier } from './jwt';
import type { Principal } from './principal';
import { unauthenticated } from './unauthenticated';

/** Establishes who sent a request (API key or bearer JWT); throws UNAUTHENTICATED otherwise. */
export interface Authenticator {
  authenticate(request: Request): Promise<Principal>;
}

const authVariables = 'MF_GRAPHQL_API_KEYS, MF_GRAPHQL_API_KEYS_FILE, MF_GRAPHQL_JWT_SECRET or MF_GRAPHQL_JWKS_URL';

/**
 * Validates every credential setting at startup (a bad one is CONFIG_INVALID, never a
 * half-working server). Development mode with nothing configured gets the documented dev keys;
 * production with nothing configured refuses to start.
 */
export async function createAuthenticator(options: AuthOptions & { production: boolean; logger?: Logger }): Promise<Authenticator> {
  const log = options.logger ?? createLogger('graphql').child('auth');
  const records: ApiKeyRecord[] = [...parseInlineApiKeys(options.apiKeys), ...(options.apiKeysFile ? loadApiKeysFile(options.apiKeysFile) : [])];
  const jwtConfigured = Boolean(options.jwtSecret || options.jwksUrl);
  if (records.length === 0 && !jwtConfigured) {
    if (options.production) throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_MODE=production needs credentials: set ${authVariables}`);
    for (const dev of devApiKeys) records.push({ name: dev.name, role: dev.role, customerId: dev.customerId, sha256: hashApiKey(dev.key) });
    log.warn('no credentials configured: development API keys installed (public, see docs/graphql-access-control.md)', { keys: devApiKeys.map((k) => k.name) });
  } else if (options.production) {
    // The dev keys are printed in the docs: one configured by copy-paste in production is no secret.
    const devHashes = new Set(devApiKeys.map((k) => hashApiKey(k.key)));
    const reused = records.find((r) => devHashes.has(r.sha256));
    if (reused) throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_API_KEYS: key ${reused.name} is a public development key, refused in production`);
  }
  const keys = createApiKeyStore(records);
  const jwt: JwtVerifier | null = jwtConfigured ? createJwtVerifier({
    secret: options.jwtSecret,
    jwksUrl: options.jwksUrl,
    issuer: options.jwtIssuer,
    audience: options.jwtAudience,
    roleClaim: options.roleClaim,
    customerClaim: options.customerClaim,
    production: options.production,
  }) : null;
  log.debug('authentication configured', { apiKeys: keys.names().length, hs256: Boolean(options.jwtSecret), jwks: Boolean(options.jwksUrl) });

  const byApiKey = (key: string): Principal => {
    const principal = keys.lookup(key);
    if (!principal) throw unauthenticated('unknown-api-key', 'unknown API key');
    return principal;
  };

  return {
    async authenticate(request) {
      const authorization = request.headers.get('authorization')?.trim();
      // Authorization wins over x-api-key when both are sent (one credential per request is checked).
      if (authorization) {
        const match = /^(\S+)\s+(\S+)$/.exec(authorization);
        const scheme = match?.[1]?.toLowerCase();
        if (scheme === 'apikey') return byApiKey(match![2]!);
        if (scheme === 'bearer') {
          if (!jwt) throw unauthenticated('jwt-not-configured', 'this server accepts no bearer JWTs; use an API key');
          return jwt.verify(match![2]!);
        }
        throw unauthenticated('unsupported-scheme', 'Authorization must be "ApiKey <key>" or "Bearer <jwt>"');
      }
      const apiKey = request.headers.get('x-api-key')?.trim();
      if (apiKey) return byApiKey(apiKey);
      throw unauthenticated('no-credentials', 'credentials required');
    },
  };
}
