import { apiError } from '../errors';
import type { AuthOptions } from '../graphql-options';
import { roles, type Principal, type Role } from './principal';

/** Establishes who sent a request (API key or bearer JWT); throws UNAUTHENTICATED otherwise. */
export interface Authenticator {
  authenticate(request: Request): Promise<Principal>;
}

// PROVISIONAL (skeleton): inline API keys only; the auth helper replaces this with keys, key files and JWT.
export async function createAuthenticator(options: AuthOptions & { production: boolean }): Promise<Authenticator> {
  const keys = new Map<string, Principal>();
  for (const entry of options.apiKeys) {
    const [who, key] = entry.split('=');
    const [name, role, customerId] = (who ?? '').split(':');
    if (!name || !key || !roles.includes(role as Role)) throw new Error(`MF_GRAPHQL_API_KEYS: bad entry ${name}`);
    keys.set(key, { subject: name, role: role as Role, customerId: customerId ?? null, via: 'api-key' });
  }
  return {
    async authenticate(request) {
      const header = request.headers.get('authorization') ?? '';
      const key = header.startsWith('ApiKey ') ? header.slice(7) : request.headers.get('x-api-key');
      const principal = key ? keys.get(key) : undefined;
      if (!principal) throw apiError('UNAUTHENTICATED', 'missing or unknown API key');
      return principal;
    },
  };
}
