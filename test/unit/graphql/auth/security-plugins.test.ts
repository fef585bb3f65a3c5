import { createSchema, createYoga } from 'graphql-yoga';
import { silentLogger } from '../../../../core/logger';
import { createAuthenticator, type Authenticator } from '../../../../graphql/auth/authenticate';
import type { Principal } from '../../../../graphql/auth/principal';
import { createSecurityPlugins } from '../../../../graphql/auth/security-plugins';
import type { ArmorOptions } from '../../../../graphql/graphql-options';

// In process (yoga.fetch, no server): the plugins and the authenticator as yoga.ts wires them.
const limits: ArmorOptions = { maxDepth: 4, maxCost: 200, maxAliases: 3, maxTokens: 150, maxListItems: 100_000, rateLimitPerMinute: 0 };
const keys = { a: 'key-a-0123456789abcdef', b: 'key-b-0123456789abcdef' };

let executed = 0;
const schema = createSchema<{ principal: Principal }>({
  typeDefs: 'type Node { id: ID!, child: Node, items: [Node!]! } type Query { apiVersion: String!, node: Node }',
  resolvers: {
    Query: {
      apiVersion: () => {
        executed += 1;
        return '1';
      },
      node: () => ({ id: 'n', child: null, items: [] }),
    },
  },
});

let authenticator: Authenticator;
beforeAll(async () => {
  authenticator = await createAuthenticator({
    apiKeys: [`a:analyst=${keys.a}`, `b:analyst=${keys.b}`], apiKeysFile: '', jwtSecret: '', jwksUrl: '', jwtIssuer: '', jwtAudience: '', roleClaim: 'role', customerClaim: 'customer_id', production: true, logger: silentLogger,
  });
});
beforeEach(() => {
  executed = 0;
});

function server(options: Partial<ArmorOptions> & { introspection?: boolean } = {}) {
  const yoga = createYoga<object, { principal: Principal }>({
    schema,
    context: async ({ request }) => ({ principal: await authenticator.authenticate(request) }),
    plugins: createSecurityPlugins({ ...limits, introspection: true, ...options }),
    maskedErrors: true,
    logging: false,
  });
  return async (query: string, key: string | null = keys.a) => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(key ? { authorization: `ApiKey ${key}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] } };
  };
}

describe('authentication errors from the context factory', () => {
  it('reach the client as a GraphQL error with code and reason, status 401, no stack, no http extension', async () => {
    const send = server();
    const { status, headers, text, body } = await send('{ apiVersion }', null);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('ApiKey, Bearer');
    expect(body).toEqual({ errors: [{ message: 'credentials required', extensions: { code: 'UNAUTHENTICATED', reason: 'no-credentials' } }] });
    expect(text).not.toMatch(/stack|at .*\.ts/);
    expect(executed).toBe(0);
  });
});

describe('document limits', () => {
  const nested = (depth: number) => `{ node { ${'child { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

  it.each([
    ['depth', nested(5), 'QUERY_TOO_DEEP', 4, /Query depth limit of 4 exceeded, found 5/, {}],
    ['aliases', '{ a: apiVersion b: apiVersion c: apiVersion d: apiVersion }', 'TOO_MANY_ALIASES', 3, /Aliases limit of 3 exceeded/, {}],
    ['tokens', `{ ${'apiVersion '.repeat(200)}}`, 'TOO_MANY_TOKENS', 150, /Token limit of 150 exceeded/, {}],
    // Repeating a field is legal GraphQL (the selections merge) but each copy costs.
    ['cost', `{ node { ${'items { id } '.repeat(60)}} }`, 'QUERY_TOO_COSTLY', 200, /Query Cost limit of 200 exceeded/, { maxTokens: 1000 }],
    ['directives', `{ ${'apiVersion @include(if: true) '.repeat(21)}}`, 'TOO_MANY_DIRECTIVES', 20, /Directives limit of 20 exceeded/, { maxTokens: 1000 }],
  ])('refuses a document over the %s limit with its code, executing nothing', async (_, query, code, limit, message, options) => {
    const send = server(options);
    const { status, body } = await send(query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code, limit });
    expect(body.errors![0]!.message).toMatch(message);
    expect(body.errors![0]!.message).not.toMatch(/^Syntax Error/);
    expect(executed).toBe(0);
  });

  it('lets a document within every limit through', async () => {
    const send = server();
    const { status, body } = await send(`{ a: apiVersion ${nested(4).slice(1, -1)} }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ a: '1', node: { child: null } });
  });
});

describe('introspection switch', () => {
  it('off: __schema and __type are refused, suggestions hidden; __typename still works', async () => {
    const send = server({ introspection: false });
    const schemaQuery = await send('{ __schema { queryType { name } } }');
    expect(schemaQuery.status).toBe(400);
    expect(schemaQuery.body.errors![0]).toMatchObject({ message: expect.stringContaining('introspection has been disabled'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect((await send('{ __type(name: "Query") { name } }')).body.errors![0]!.message).toContain('introspection has been disabled');
    const typo = await send('{ apiVersio }');
    expect(typo.body.errors![0]!.message).not.toContain('Did you mean');
    expect((await send('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('on: introspection answers and suggestions are shown', async () => {
    const send = server({ introspection: true });
    expect((await send('{ __schema { queryType { name } } }')).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await send('{ apiVersio }')).body.errors![0]!.message).toContain('Did you mean "apiVersion"?');
  });
});

describe('rate limit', () => {
  it('refuses the request over the limit with RATE_LIMITED, 429 and Retry-After; other subjects are unaffected', async () => {
    const send = server({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) expect((await send('{ apiVersion }')).body).toEqual({ data: { apiVersion: '1' } });
    const limited = await send('{ apiVersion }');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(limited.body).toEqual({ errors: [{ message: expect.stringContaining('rate limit of 3 requests per minute'), extensions: { code: 'RATE_LIMITED', retryAfterS: 20 } }] });
    expect(executed).toBe(3);
    expect((await send('{ apiVersion }', keys.b)).body).toEqual({ data: { apiVersion: '1' } });
  });

  it('0 = unlimited', async () => {
    const send = server({ rateLimitPerMinute: 0 });
    for (let i = 0; i < 50; i += 1) expect((await send('{ apiVersion }')).status).toBe(200);
    expect(executed).toBe(50);
  });
});

describe('request body limits (hostile inputs)', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) => {
    const yoga = createYoga<object, { principal: Principal }>({
      schema,
      context: async ({ request }) => ({ principal: await authenticator.authenticate(request) }),
      plugins: createSecurityPlugins({ ...limits, introspection: true }),
      maskedErrors: true,
      logging: false,
    });
    return yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `ApiKey ${keys.a}`, ...headers },
      body,
      ...({ duplex: 'half' } as object),
    });
  };
  const depth = 500_000; // JSON.parse alone spent ~3 s of event loop on this before the limit

  it('refuses variables nested 500,000 deep with 400 BAD_REQUEST in milliseconds, executing nothing', async () => {
    const started = performance.now();
    const response = await post(`{"query":"{ apiVersion }","variables":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    expect(performance.now() - started).toBeLessThan(300);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'the request body nests arrays or objects deeper than 64 levels', extensions: { code: 'BAD_REQUEST', limit: 64 } }] });
    expect(executed).toBe(0);
  });

  it('refuses a body over 1 MiB with 413 BODY_TOO_LARGE, declared or streamed without a length', async () => {
    const big = JSON.stringify({ query: '{ apiVersion }', variables: { x: 'x'.repeat(2 * 1024 * 1024) } });
    const declared = await post(big, { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect((await declared.json()).errors[0].extensions).toEqual({ code: 'BODY_TOO_LARGE', limit: 1024 * 1024 });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const streamed = await post(endless);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).errors[0].extensions.code).toBe('BODY_TOO_LARGE');
    expect(pulled).toBeLessThan(40); // stopped reading just past 1 MiB
    expect(executed).toBe(0);
  });

  it('still answers an ordinary body, and a body that is not JSON with a typed 400', async () => {
    const ok = await post(JSON.stringify({ query: '{ apiVersion }', variables: { a: [[{ b: [1] }]] } }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { apiVersion: '1' } });
    const bad = await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(text).not.toMatch(/stack|at .*\.ts/);
  });
});
