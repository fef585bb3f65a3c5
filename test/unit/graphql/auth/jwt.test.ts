import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLError } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { MeterflowError } from '../../../../core/errors';
import { createJwtVerifier, type JwtOptions } from '../../../../graphql/auth/jwt';

const secret = 'test-secret-0123456789-0123456789-abcdef';
const base: JwtOptions = { secret, jwksUrl: '', issuer: '', audience: '', roleClaim: 'role', customerClaim: 'customer_id' };
const now = () => Math.floor(Date.now() / 1000);

function hs256(claims: JWTPayload, key = secret, expiresInS = 300): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(now() + expiresInS).sign(new TextEncoder().encode(key));
}

/** The GraphQL error `promise` rejected with. */
async function refusal(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected the token to be refused');
}

async function expectUnauthenticated(promise: Promise<unknown>, reason: string) {
  const error = await refusal(promise);
  expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason, http: { status: 401 } });
}

describe('HS256', () => {
  const verifier = createJwtVerifier(base);

  it('maps sub, role and customer claim to a principal', async () => {
    await expect(verifier.verify(await hs256({ sub: 'alice', role: 'analyst' }))).resolves.toEqual({ subject: 'alice', role: 'analyst', customerId: null, via: 'jwt', expiresAt: expect.any(Number) });
    await expect(verifier.verify(await hs256({ sub: 'bob', role: 'customer', customer_id: 'cust-9' }))).resolves.toEqual({ subject: 'bob', role: 'customer', customerId: 'cust-9', via: 'jwt', expiresAt: expect.any(Number) });
    // A customer claim on a non-customer role grants nothing.
    await expect(verifier.verify(await hs256({ sub: 'root', role: 'admin', customer_id: 'cust-9' }))).resolves.toMatchObject({ role: 'admin', customerId: null });
  });

  it('reads role and customer id from the configured claims', async () => {
    const custom = createJwtVerifier({ ...base, roleClaim: 'mf_role', customerClaim: 'tenant' });
    await expect(custom.verify(await hs256({ sub: 'c', mf_role: 'customer', tenant: 't-1' }))).resolves.toMatchObject({ role: 'customer', customerId: 't-1' });
    await expectUnauthenticated(custom.verify(await hs256({ sub: 'c', role: 'admin' })), 'bad-claims');
  });

  it('refuses a token signed with another secret: bad-signature', async () => {
    await expectUnauthenticated(verifier.verify(await hs256({ sub: 'alice', role: 'admin' }, `${secret}-other`)), 'bad-signature');
  });

  it('refuses an expired token beyond the 30 s tolerance, accepts one within it', async () => {
    await expectUnauthenticated(verifier.verify(await hs256({ sub: 'alice', role: 'admin' }, secret, -120)), 'expired');
    await expect(verifier.verify(await hs256({ sub: 'alice', role: 'admin' }, secret, -10))).resolves.toMatchObject({ subject: 'alice' });
  });

  it('refuses a token not valid yet (nbf)', async () => {
    const token = await new SignJWT({ sub: 'a', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setNotBefore(now() + 600).setExpirationTime(now() + 1200).sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(verifier.verify(token), 'not-yet-valid');
  });

  it('checks iss and aud when configured', async () => {
    const strict = createJwtVerifier({ ...base, issuer: 'https://idp.example', audience: 'meterflow' });
    const sign = (iss: string, aud: string) => new SignJWT({ sub: 'a', role: 'analyst' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(iss).setAudience(aud).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    await expect(strict.verify(await sign('https://idp.example', 'meterflow'))).resolves.toMatchObject({ subject: 'a' });
    await expectUnauthenticated(strict.verify(await sign('https://evil.example', 'meterflow')), 'bad-claims');
    await expectUnauthenticated(strict.verify(await sign('https://idp.example', 'other-api')), 'bad-claims');
  });

  it.each([
    ['no role', { sub: 'a' }],
    ['an unknown role', { sub: 'a', role: 'superuser' }],
    ['a role that is not a string', { sub: 'a', role: ['admin'] }],
    ['no sub', { role: 'admin' }],
    ['role customer without customer id', { sub: 'a', role: 'customer' }],
    ['role customer with a malformed customer id', { sub: 'a', role: 'customer', customer_id: 'no spaces allowed' }],
  ])('refuses %s: bad-claims', async (_, claims) => {
    await expectUnauthenticated(verifier.verify(await hs256(claims as JWTPayload)), 'bad-claims');
  });

  it('refuses garbage and alg none / asymmetric algs it has no keys for', async () => {
    await expectUnauthenticated(verifier.verify('not.a.jwt'), 'malformed');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"a","role":"admin"}').toString('base64url')}.`;
    await expectUnauthenticated(verifier.verify(none), 'unsupported-alg');
    const { privateKey } = await generateKeyPair('ES256');
    const es = await new SignJWT({ sub: 'a', role: 'admin' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(privateKey);
    await expectUnauthenticated(verifier.verify(es), 'unsupported-alg');
  });

  it('refuses a secret shorter than 32 characters at startup', () => {
    expect(() => createJwtVerifier({ ...base, secret: 'short' })).toThrow(MeterflowError);
    expect(() => createJwtVerifier({ ...base, secret: 'short' })).toThrow(/MF_GRAPHQL_JWT_SECRET: must be at least 32 characters/);
  });
});

describe('ES256 from a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  let otherKey: KeyLike;
  let fetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const es256 = (key: KeyLike, kid: string, claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('5m').sign(key);

  it('verifies a token signed with a key of the set', async () => {
    const verifier = createJwtVerifier({ ...base, secret: '', jwksUrl });
    await expect(verifier.verify(await es256(privateKey, 'k1', { sub: 'svc', role: 'analyst' }))).resolves.toEqual({ subject: 'svc', role: 'analyst', customerId: null, via: 'jwt', expiresAt: expect.any(Number) });
    expect(fetches).toBeGreaterThan(0);
  });

  it('refuses a kid the set does not have: unknown-key', async () => {
    const verifier = createJwtVerifier({ ...base, secret: '', jwksUrl });
    await expectUnauthenticated(verifier.verify(await es256(otherKey, 'k2', { sub: 'svc', role: 'analyst' })), 'unknown-key');
  });

  it('refuses a token claiming kid k1 but signed with another key: bad-signature', async () => {
    const verifier = createJwtVerifier({ ...base, secret: '', jwksUrl });
    await expectUnauthenticated(verifier.verify(await es256(otherKey, 'k1', { sub: 'svc', role: 'analyst' })), 'bad-signature');
  });

  it('refuses HS256 when only a JWKS is configured (no algorithm confusion)', async () => {
    const verifier = createJwtVerifier({ ...base, secret: '', jwksUrl });
    await expectUnauthenticated(verifier.verify(await hs256({ sub: 'a', role: 'admin' })), 'unsupported-alg');
  });

  it('answers UNAVAILABLE (503) when the JWKS cannot be fetched', async () => {
    const verifier = createJwtVerifier({ ...base, secret: '', jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    const error = await refusal(verifier.verify(await es256(privateKey, 'k1', { sub: 'svc', role: 'analyst' })));
    expect(error.extensions).toMatchObject({ code: 'UNAVAILABLE', http: { status: 503 } });
  });
});


// Production JWT settings require issuer and audience; tokens must expire.
describe('production settings and expiry', () => {
  it('refuses to start in production without issuer or audience, naming the variable', () => {
    const error = (options: JwtOptions) => {
      try {
        createJwtVerifier(options);
      } catch (e) {
        return e as MeterflowError;
      }
      return null;
    };
    expect(error({ ...base, production: true, audience: 'meterflow' })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^MF_GRAPHQL_JWT_ISSUER: required in production/) });
    expect(error({ ...base, production: true, issuer: 'https://idp' })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^MF_GRAPHQL_JWT_AUDIENCE: required in production/) });
    expect(error({ ...base, production: true, issuer: 'https://idp', audience: 'meterflow' })).toBeNull();
    expect(error(base)).toBeNull(); // development may leave them out
  });

  it('refuses a token without exp (no-expiry) and keeps the exp of a token that has one', async () => {
    const noExp = await new SignJWT({ sub: 'alice', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(createJwtVerifier(base).verify(noExp), 'no-expiry');
    const production = createJwtVerifier({ ...base, production: true, issuer: 'https://idp', audience: 'meterflow' });
    const good = await new SignJWT({ sub: 'alice', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp').setAudience('meterflow').setExpirationTime(now() + 60).sign(new TextEncoder().encode(secret));
    const principal = await production.verify(good);
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
    const otherAudience = await new SignJWT({ sub: 'alice', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp').setAudience('billing').setExpirationTime(now() + 60).sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(production.verify(otherAudience), 'bad-claims');
  });
});
