import type { AuthOptions } from '../graphql-options';
import type { Principal } from './principal';

/** Establishes who sent a request (API key or bearer JWT); throws UNAUTHENTICATED otherwise. */
export interface Authenticator {
  authenticate(request: Request): Promise<Principal>;
}

export async function createAuthenticator(options: AuthOptions & { production: boolean }): Promise<Authenticator> {
  void options;
  throw new Error('createAuthenticator: not implemented yet');
}
