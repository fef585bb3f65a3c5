import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline } from './support/test-services';

// The response cache (MF_GRAPHQL_CACHE_TTL_MS) serves a caller its own recent results again;
// it must never serve one caller's result to another, and a mutation must invalidate what it changed.
describe('GraphQL response cache', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  const register = `mutation ($id: ID!, $customerId: ID) { registerMeter(meterId: $id, input: { kind: water, customerId: $customerId, label: "first" }) { id } }`;
  const update = `mutation ($id: ID!, $label: String) { updateMeter(meterId: $id, input: { label: $label }) { id label } }`;
  const meterQuery = `query ($id: ID!) { meter(id: $id) { id label customerId } }`;
  const listQuery = `{ meters(first: 50) { edges { node { id customerId } } } }`;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    // Long enough that nothing expires during the test: what changes must come from invalidation.
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_CACHE_TTL_MS: '600000' });
    for (const [suffix, customer] of [['c1m', graphql.customerIds.c1], ['c2m', graphql.customerIds.c2]] as const) {
      expect((await graphql.request(register, { id: `${pipeline.runId}-${suffix}`, customerId: customer })).errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('serves each customer its own list, never another caller\'s cached one', async () => {
    const ids = async (key: string) => ((await graphql.request<{ meters: { edges: { node: { id: string } }[] } }>(listQuery, {}, key)).data!.meters.edges.map((e) => e.node.id));
    // Twice each, interleaved: the second answers may come from the cache.
    for (let round = 0; round < 2; round++) {
      expect(await ids(graphql.keys.customer1)).toEqual([`${pipeline.runId}-c1m`]);
      expect(await ids(graphql.keys.customer2)).toEqual([`${pipeline.runId}-c2m`]);
    }
    // An analyst asking the same document gets the whole fleet, not a customer's cached page.
    const page = (await graphql.request<{ meters: { edges: { node: { id: string; customerId: string | null } }[] } }>(listQuery, {}, graphql.keys.analyst)).data!.meters.edges;
    // (customers got exactly one meter each from the same document)
    expect(page.length).toBeGreaterThan(1);
  });

  it('a mutation invalidates the cached results holding the entity it returns', async () => {
    const id = `${pipeline.runId}-c1m`;
    const label = async () => (await graphql.request<{ meter: { label: string } }>(meterQuery, { id }, graphql.keys.analyst)).data!.meter.label;
    expect(await label()).toBe('first');
    expect(await label()).toBe('first'); // now cached for ten minutes
    expect((await graphql.request(update, { id, label: 'second' })).errors).toBeUndefined();
    expect(await label()).toBe('second');
  });

  it('refusals are not cached: a customer refused once is refused again, and a bad key never reads a cached answer', async () => {
    const id = `${pipeline.runId}-c2m`;
    expect((await graphql.request(meterQuery, { id }, graphql.keys.analyst)).data).toMatchObject({ meter: { id } });
    for (let i = 0; i < 2; i++) {
      expect((await graphql.request(meterQuery, { id }, graphql.keys.customer1)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const anonymous = await graphql.request(meterQuery, { id }, 'not-a-key-at-all-0123456789');
      expect(anonymous.status).toBe(401);
      expect(anonymous.data).toBeUndefined();
    }
  });
});
