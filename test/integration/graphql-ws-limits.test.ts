import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A bounded frame before authentication; subscriptions end when the meter
// changes owner or the token expires.
const jwtSecret = 'ws-limits-test-secret-0123456789abcdef';

describe('graphql-ws limits and subscription lifetime', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  const clients: Client[] = [];
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;
  const wsUrl = () => graphql.url.replace('http://', 'ws://');

  beforeAll(async () => {
    pipeline = createTestPipeline();
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_WS_MAX_PAYLOAD_BYTES: '4096', MF_GRAPHQL_SUBSCRIPTION_RECHECK_MS: '200', MF_GRAPHQL_JWT_SECRET: jwtSecret });
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('closes an unauthenticated socket that sends a frame above MF_GRAPHQL_WS_MAX_PAYLOAD_BYTES (1009) and keeps serving others', async () => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(64 * 1024) } }));
    expect(await closed).toBe(1009);
    expect((await graphql.request('{ apiVersion }')).errors).toBeUndefined();
  });

  it("ends a customer's subscription when the meter moves to another customer", async () => {
    const meterId = id('moving');
    const register = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, { id: meterId, input: { kind: 'water', customerId: graphql.customerIds.c1 } });
    expect(register.errors).toBeUndefined();
    const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `ApiKey ${graphql.keys.customer1}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    const before = graphql.server.services.live.stats().subscribers;
    let completed = false;
    client.subscribe({ query: `subscription ($m: ID!) { meterReadings(meterId: $m) { value } }`, variables: { m: meterId } }, { next: () => undefined, error: () => (completed = true), complete: () => (completed = true) });
    await waitFor('the subscriber registered', async () => graphql.server.services.live.stats().subscribers, (n) => n > before, 10_000, 20);
    // Still allowed after a few re-checks.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(completed).toBe(false);
    const move = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { updateMeter(meterId: $id, input: $input) { id } }`, { id: meterId, input: { customerId: graphql.customerIds.c2 } });
    expect(move.errors).toBeUndefined();
    await waitFor('the subscription to end', async () => completed, Boolean, 10_000, 50);
    await waitFor('the subscriber dropped', async () => graphql.server.services.live.stats().subscribers, (n) => n === before, 10_000, 20);
  });

  it('closes a graphql-ws connection authenticated with a JWT at its exp (4403)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ sub: 'ops', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(jwtSecret));
    const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    let completed = false;
    client.subscribe({ query: `subscription { alerts { id } }` }, { next: () => undefined, error: () => (completed = true), complete: () => (completed = true) });
    expect(await closed).toBe(4403);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    await waitFor('the subscription ended', async () => completed, Boolean, 5_000, 20);
  });
});
