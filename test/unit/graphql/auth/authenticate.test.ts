import type { GraphQLError } from 'graphql';
import { SignJWT } from 'jose';
import { MeterflowError } from '../../../../core/errors';
import type { Logger } from '../../../../core/logger';
import { hashApiKey } from '../../../../graphql/auth/api-keys';
import { createAuthenticator } from '../../../../graphql/auth/authenticate';
import type { AuthOptions } from '../../../../graphql/graphql-options';

const none: AuthOptions = { apiKeys: [], apiKeysFile: '', jwtSecret: '', jwksUrl: '', jwtIssuer: '', jwtAudience: '', roleClaim: 'role', customerClaim: 'customer_id' };
const adminKey = 'ops-admin-key-0123456789';
const secret = 'test-secret-0123456789-0123456789-abcdef';

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
    error: () => {},
    child: () => logger,
  };
  return logger;
}

const request = (headers: Record<string, string>) => new Request('http://localhost/graphql', { method: 'POST', headers });

async function refusal(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('createAuthenticator', () => {
  it('accepts "Authorization: ApiKey", x-api-key, and a bearer JWT', async () => {
    const auth = await createAuthenticator({ ...none, apiKeys: [`ops:admin=${adminKey}`], jwtSecret: secret, jwtIssuer: 'https://idp', jwtAudience: 'meterflow', production: true, logger: recordingLogger([]) });
    const principal = { subject: 'ops', role: 'admin', customerId: null, via: 'api-key' };
    await expect(auth.authenticate(request({ authorization: `ApiKey ${adminKey}` }))).resolves.toEqual(principal);
    await expect(auth.authenticate(request({ authorization: `apikey  ${adminKey}` }))).resolves.toEqual(principal);
    await expect(auth.authenticate(request({ 'x-api-key': adminKey }))).resolves.toEqual(principal);
    const jwt = await new SignJWT({ sub: 'alice', role: 'analyst' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp').setAudience('meterflow').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    await expect(auth.authenticate(request({ authorization: `Bearer ${jwt}` }))).resolves.toEqual({ subject: 'alice', role: 'analyst', customerId: null, via: 'jwt', expiresAt: expect.any(Number) });
  });

  it.each([
    ['no credentials', {}, 'no-credentials', 'credentials required'],
    ['an unknown API key', { authorization: 'ApiKey not-a-configured-key-123' }, 'unknown-api-key', 'unknown API key'],
    ['an unknown x-api-key', { 'x-api-key': 'not-a-configured-key-123' }, 'unknown-api-key', 'unknown API key'],
    ['Basic auth', { authorization: 'Basic dXNlcjpwYXNz' }, 'unsupported-scheme', 'Authorization must be'],
    ['a bare key in Authorization', { authorization: adminKey }, 'unsupported-scheme', 'Authorization must be'],
    ['a bearer JWT when no JWT is configured', { authorization: 'Bearer a.b.c' }, 'jwt-not-configured', 'accepts no bearer JWTs'],
  ])('refuses %s: UNAUTHENTICATED (401, WWW-Authenticate) with the reason', async (_, headers, reason, message) => {
    const auth = await createAuthenticator({ ...none, apiKeys: [`ops:admin=${adminKey}`], production: true, logger: recordingLogger([]) });
    const error = await refusal(auth.authenticate(request(headers)));
    expect(error.message).toContain(message);
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', reason, http: { status: 401, headers: { 'WWW-Authenticate': 'ApiKey, Bearer' } } });
  });

  it('development with nothing configured: installs the dev keys and warns with their names', async () => {
    const warnings: string[] = [];
    const auth = await createAuthenticator({ ...none, production: false, logger: recordingLogger(warnings) });
    await expect(auth.authenticate(request({ authorization: 'ApiKey meterflow-dev-admin-key' }))).resolves.toMatchObject({ role: 'admin' });
    await expect(auth.authenticate(request({ authorization: 'ApiKey meterflow-dev-analyst-key' }))).resolves.toMatchObject({ role: 'analyst' });
    await expect(auth.authenticate(request({ 'x-api-key': 'meterflow-dev-customer-key' }))).resolves.toEqual({ subject: 'dev-customer', role: 'customer', customerId: 'demo-customer', via: 'api-key' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/development API keys installed.*dev-admin.*dev-analyst.*dev-customer/);
    expect(warnings[0]).not.toContain('meterflow-dev-admin-key');
  });

  it('development with any credential configured: no dev keys', async () => {
    const withKey = await createAuthenticator({ ...none, apiKeys: [`ops:admin=${adminKey}`], production: false, logger: recordingLogger([]) });
    expect((await refusal(withKey.authenticate(request({ authorization: 'ApiKey meterflow-dev-admin-key' })))).extensions.reason).toBe('unknown-api-key');
    const withJwt = await createAuthenticator({ ...none, jwtSecret: secret, production: false, logger: recordingLogger([]) });
    expect((await refusal(withJwt.authenticate(request({ authorization: 'ApiKey meterflow-dev-admin-key' })))).extensions.reason).toBe('unknown-api-key');
  });

  it('production with nothing configured refuses to start, naming the variables', async () => {
    const error = await createAuthenticator({ ...none, production: true }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(MeterflowError);
    expect((error as MeterflowError).code).toBe('CONFIG_INVALID');
    expect((error as MeterflowError).message).toMatch(/MF_GRAPHQL_API_KEYS, MF_GRAPHQL_API_KEYS_FILE, MF_GRAPHQL_JWT_SECRET or MF_GRAPHQL_JWKS_URL/);
  });

  it('production refuses a dev key configured explicitly (inline or hashed)', async () => {
    await expect(createAuthenticator({ ...none, apiKeys: ['me:admin=meterflow-dev-admin-key'], production: true })).rejects.toThrow(/key me is a public development key/);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const path = `${mkdtempSync('/tmp/mf-auth-')}/keys.json`;
    writeFileSync(path, JSON.stringify([{ name: 'copied', role: 'analyst', sha256: hashApiKey('meterflow-dev-analyst-key') }]));
    await expect(createAuthenticator({ ...none, apiKeysFile: path, production: true })).rejects.toThrow(/key copied is a public development key/);
    // Development accepts it (it is what the dev keys are for).
    await expect(createAuthenticator({ ...none, apiKeysFile: path, production: false, logger: recordingLogger([]) })).resolves.toBeDefined();
  });

  it('a bad entry fails startup with CONFIG_INVALID', async () => {
    await expect(createAuthenticator({ ...none, apiKeys: ['c:customer=0123456789abcdef0'], production: false })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(createAuthenticator({ ...none, jwtSecret: 'too-short', production: false })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(createAuthenticator({ ...none, jwksUrl: 'not a url', production: false })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
