import { SignJWT, type JWTPayload } from 'jose';
import { startTestGraphql, type GraphqlHarness, type GraphqlResponse } from './support/graphql-harness';
import { createTestPipeline, meterIdLike, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Authentication, document limits, introspection switch, rate limit and customer isolation
// through the real server (HTTP, QuestDB, Kafka), as a client sees them.
const jwtSecret = 'graphql-auth-test-secret-0123456789abcdef';

function jwt(claims: JWTPayload, options: { secret?: string; expiresInS?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInS ?? 300))
    .sign(new TextEncoder().encode(options.secret ?? jwtSecret));
}

/** POSTs an operation with exactly the headers given (the harness's request always sends an ApiKey). */
async function post<T = Record<string, unknown>>(url: string, query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T> & { headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  // No stack trace or file path ever reaches a client.
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  return { ...(JSON.parse(text) as GraphqlResponse<T>), status: response.status, headers: response.headers };
}

const readingsQuery = `query ($meterId: ID!, $from: DateTime!, $to: DateTime!) {
  readings(meterId: $meterId, from: $from, to: $to, limit: 10) { meterId ts value }
}`;

describe('GraphQL access control', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let meters: { c1: string; c2: string };
  let window: { from: string; to: string };
  const readingTs = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);

  beforeAll(async () => {
    pipeline = createTestPipeline();
    graphql = await startTestGraphql(pipeline, {
      MF_GRAPHQL_JWT_SECRET: jwtSecret,
      MF_GRAPHQL_INTROSPECTION: 'false',
      MF_GRAPHQL_MAX_DEPTH: '3',
      MF_GRAPHQL_MAX_COST: '100',
      MF_GRAPHQL_MAX_ALIASES: '15',
      MF_GRAPHQL_MAX_TOKENS: '1000',
      MF_GRAPHQL_RATE_LIMIT: '0',
    });
    // One registered meter per customer, one reading each (the server created both tables).
    meters = { c1: `${pipeline.runId}-m-c1`, c2: `${pipeline.runId}-m-c2` };
    const now = new Date().toISOString();
    for (const [meterId, customerId] of [[meters.c1, graphql.customerIds.c1], [meters.c2, graphql.customerIds.c2]] as const) {
      await pipeline.questdb.query(
        `INSERT INTO meter_registry (ts, meter_id, kind, sector, customer_id, time_zone, reporting_interval_s, tariff_id, label, registered_at, changed_by)
         VALUES ($1, $2, 'water', 'auth-test', $3, 'UTC', 60, NULL, 'auth test', $1, 'graphql-auth.test')`,
        [now, meterId, customerId],
      );
      await pipeline.questdb.query(
        `INSERT INTO readings (ts, meter_id, kind, sector, value, value_unit, register, register_unit, seq, received_at)
         VALUES ($1, $2, 'water', 'auth-test', 1.5, 'L/min', 100, 'L', 1, $1)`,
        [readingTs.toISOString(), meterId],
      );
    }
    const count = async (table: string) => {
      const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM ${table} WHERE ${meterIdLike}`, [`${pipeline.runId}-m-%`]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor('registry rows visible', () => count('meter_registry'), (n) => n === 2);
    await waitFor('readings visible', () => count('readings'), (n) => n === 2);
    window = { from: new Date(readingTs.getTime() - 1000).toISOString(), to: new Date(readingTs.getTime() + 1000).toISOString() };
  });

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  describe('authentication', () => {
    it('no credentials: 401, UNAUTHENTICATED "credentials required", nothing executed', async () => {
      const body = await post(graphql.url, '{ apiVersion }', {});
      expect(body.status).toBe(401);
      expect(body.headers.get('www-authenticate')).toBe('ApiKey, Bearer');
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([{ message: 'credentials required', extensions: { code: 'UNAUTHENTICATED', reason: 'no-credentials' } }]);
    });

    it('credentials come first: an anonymous invalid or over-deep document is refused as unauthenticated, not validated', async () => {
      for (const query of ['{ noSuchField }', '{ meters { edges { node { lastReading { meterId } status { since } } } } }', '{ __schema { types { name } } }', 'not graphql at all']) {
        const body = await post(graphql.url, query, {});
        expect(body.status).toBe(401);
        expect(body.errors).toEqual([{ message: 'credentials required', extensions: { code: 'UNAUTHENTICATED', reason: 'no-credentials' } }]);
      }
    });

    it.each([
      ['an unknown API key', 'unknown-api-key', async () => ({ authorization: 'ApiKey this-key-was-never-configured' })],
      ['an unknown x-api-key', 'unknown-api-key', async () => ({ 'x-api-key': 'this-key-was-never-configured' })],
      ['a JWT signed with another secret', 'bad-signature', async () => ({ authorization: `Bearer ${await jwt({ sub: 'mallory', role: 'admin' }, { secret: `${jwtSecret}-forged` })}` })],
      ['an expired JWT', 'expired', async () => ({ authorization: `Bearer ${await jwt({ sub: 'alice', role: 'analyst' }, { expiresInS: -600 })}` })],
      ['a JWT without a role', 'bad-claims', async () => ({ authorization: `Bearer ${await jwt({ sub: 'alice' })}` })],
      ['a customer JWT without a customer id', 'bad-claims', async () => ({ authorization: `Bearer ${await jwt({ sub: 'carol', role: 'customer' })}` })],
    ])('%s: 401 UNAUTHENTICATED with reason %s, nothing executed', async (_, reason, headers) => {
      const body = await post(graphql.url, '{ apiVersion }', await headers());
      expect(body.status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
    });

    it('an API key in x-api-key works like Authorization: ApiKey', async () => {
      const body = await post(graphql.url, '{ apiVersion }', { 'x-api-key': graphql.keys.analyst });
      expect(body).toMatchObject({ status: 200, data: { apiVersion: '1' } });
    });

    it('a valid analyst JWT reads readings', async () => {
      const token = await jwt({ sub: 'alice', role: 'analyst' });
      const body = await post<{ readings: { meterId: string; ts: string; value: number }[] }>(graphql.url, readingsQuery, { authorization: `Bearer ${token}` }, { meterId: meters.c2, ...window });
      expect(body.errors).toBeUndefined();
      expect(body.data!.readings).toEqual([{ meterId: meters.c2, ts: readingTs.toISOString(), value: 1.5 }]);
    });
  });

  describe('customer isolation (resolvers: requireMeterAccess)', () => {
    it('a customer reads its own meter', async () => {
      const body = await graphql.request<{ readings: { meterId: string }[] }>(readingsQuery, { meterId: meters.c1, ...window }, graphql.keys.customer1);
      expect(body.errors).toBeUndefined();
      expect(body.data!.readings.map((r) => r.meterId)).toEqual([meters.c1]);
    });

    it("a customer asking for another customer's meter gets FORBIDDEN and no rows", async () => {
      const body = await graphql.request<{ readings: unknown[] } | null>(readingsQuery, { meterId: meters.c2, ...window }, graphql.keys.customer1);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.data ?? null).toBeNull();
    });

    it('a customer JWT is held to its customer id claim the same way', async () => {
      const token = await jwt({ sub: 'carol', role: 'customer', customer_id: graphql.customerIds.c2 });
      const own = await post<{ readings: { meterId: string }[] }>(graphql.url, readingsQuery, { authorization: `Bearer ${token}` }, { meterId: meters.c2, ...window });
      expect(own.data?.readings.map((r) => r.meterId)).toEqual([meters.c2]);
      const other = await post(graphql.url, readingsQuery, { authorization: `Bearer ${token}` }, { meterId: meters.c1, ...window });
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(other.data ?? null).toBeNull();
    });
  });

  describe('document limits (refused before anything executes)', () => {
    // Inline fragments count as a level for graphql-armor: a deep document that needs no nested types.
    const nested = (levels: number) => `{ ${'... on Query { '.repeat(levels)}apiVersion${' }'.repeat(levels)} }`;

    it.each([
      ['depth', 'QUERY_TOO_DEEP', 3, nested(3)],
      ['aliases', 'TOO_MANY_ALIASES', 15, `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: apiVersion`).join(' ')} }`],
      ['tokens', 'TOO_MANY_TOKENS', 1000, `{ ${'apiVersion '.repeat(1001)}}`],
      // Repeated fields are legal (they merge) but each copy costs 1.
      ['cost', 'QUERY_TOO_COSTLY', 100, `{ ${'apiVersion '.repeat(120)}}`],
    ])('over the %s limit: 400 with code %s and limit %i, no data', async (_, code, limit, query) => {
      const body = await graphql.request(query, {}, graphql.keys.admin);
      expect(body.status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions)).toEqual([{ code, limit }]);
    });

    it('within the limits the same shapes run', async () => {
      const body = await graphql.request(`{ ${Array.from({ length: 15 }, (_, i) => `a${i}: apiVersion`).join(' ')} ${nested(2).slice(1, -1)} ${'apiVersion '.repeat(60)}}`, {}, graphql.keys.admin);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`a${i}`, '1'])), apiVersion: '1' });
    });
  });

  describe('introspection', () => {
    it('MF_GRAPHQL_INTROSPECTION=false: __schema refused (GRAPHQL_VALIDATION_FAILED), no suggestions leak', async () => {
      const body = await graphql.request('{ __schema { queryType { name } } }', {}, graphql.keys.admin);
      expect(body.status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('introspection has been disabled'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const typo = await graphql.request('{ apiVersio }', {}, graphql.keys.admin);
      expect(typo.errors?.[0]?.message).toContain('Cannot query field');
      expect(typo.errors?.[0]?.message).not.toContain('Did you mean');
    });

    it('MF_GRAPHQL_INTROSPECTION=true: __schema answers', async () => {
      const open = await startTestGraphql(pipeline, { MF_GRAPHQL_INTROSPECTION: 'true' });
      try {
        const body = await open.request<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }', {}, open.keys.analyst);
        expect(body.errors).toBeUndefined();
        expect(body.data!.__schema.queryType.name).toBe('Query');
      } finally {
        await open.stop();
      }
    });
  });

  describe('rate limit', () => {
    it('MF_GRAPHQL_RATE_LIMIT=5: the 6th request of a burst is RATE_LIMITED (429, retryAfterS), another key still works', async () => {
      const limited = await startTestGraphql(pipeline, { MF_GRAPHQL_RATE_LIMIT: '5' });
      try {
        for (let i = 0; i < 5; i += 1) {
          const ok = await limited.request('{ apiVersion }', {}, limited.keys.analyst);
          expect([i, ok.status, ok.data]).toEqual([i, 200, { apiVersion: '1' }]);
        }
        const refused = await post(limited.url, '{ apiVersion }', { authorization: `ApiKey ${limited.keys.analyst}` });
        expect(refused.status).toBe(429);
        expect(refused.data).toBeUndefined();
        // 5 per minute: one request back every 12 s.
        expect(refused.errors?.map((e) => e.extensions)).toEqual([{ code: 'RATE_LIMITED', retryAfterS: 12 }]);
        expect(refused.headers.get('retry-after')).toBe('12');
        const other = await limited.request('{ apiVersion }', {}, limited.keys.admin);
        expect(other).toMatchObject({ status: 200, data: { apiVersion: '1' } });
      } finally {
        await limited.stop();
      }
    });
  });
});
