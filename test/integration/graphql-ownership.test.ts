import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline, walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// List sizes count in the cost limit; a meter's new owner sees nothing
// from before the move (readings, series, invoices, fleet aggregates, alerts), filtered in SQL.
describe('GraphQL customer scope and cost', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;
  const hour = 3_600_000;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    graphql = await startTestGraphql(pipeline);
  });

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('refuses 15 aliased readings(limit: 100000) of a customer with QUERY_TOO_COSTLY before running anything', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `r${i}: readings(meterId: $m, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", limit: 100000) { ts value }`).join('\n');
    const answer = await graphql.request(`query ($m: ID!) { ${aliases} }`, { m: id('any') }, graphql.keys.customer1);
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 200_000, cost: 15 * 100_000 * 3 });
    // Through a variable too.
    const viaVariable = await graphql.request(`query ($m: ID!, $n: Int) { readings(meterId: $m, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", limit: $n) { ts } a: readings(meterId: $m, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", limit: $n) { ts } }`, { m: id('any'), n: 100_000 }, graphql.keys.customer1);
    expect(viaVariable.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
  });

  it('after a meter moves from customer 1 to customer 2, customer 2 sees nothing from before the move', async () => {
    const meterId = id('moved');
    const sector = id('sector');
    const register = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, {
      id: meterId,
      input: { kind: 'water', sector, customerId: graphql.customerIds.c1 },
    });
    expect(register.errors).toBeUndefined();
    const before = Date.now() - 2 * hour;
    const insertReading = (ts: number, register: number) =>
      pipeline.questdb.query(`INSERT INTO readings (ts, meter_id, kind, sector, value, value_unit, register, register_unit) VALUES ($1, $2, 'water', $3, 1.5, 'L/min', $4, 'm3')`, [
        new Date(ts).toISOString(),
        meterId,
        sector,
        register,
      ]);
    const insertInvoice = (ts: number, suffix: string) =>
      pipeline.questdb.query(
        `INSERT INTO invoices (ts, invoice_id, meter_id, status, revision, period_label, period_end, issued_at, due_date, currency, total_cents, total) VALUES ($1, $2, $3, 'final', 0, $4, $1, $1, '2099-01-01', 'BRL', 100, '1.00')`,
        [new Date(ts).toISOString(), `${meterId}/${suffix}`, meterId, suffix],
      );
    await insertReading(before, 100);
    await insertReading(before + 60_000, 110);
    await insertInvoice(before, 'old');
    await pipeline.questdb.query(
      `INSERT INTO alerts (ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at) VALUES ($1, $2, $3, $4, 'leak', 'leak', 'high', 'open', $1)`,
      [new Date(before).toISOString(), id('alert-old'), meterId, sector],
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const move = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { updateMeter(meterId: $id, input: $input) { id customerId } }`, { id: meterId, input: { customerId: graphql.customerIds.c2 } });
    expect(move.errors).toBeUndefined();
    // Before any reading after the move, the new owner's lastReading is not the old owner's.
    await waitFor('readings applied', () => walApplied(pipeline.questdb, 'readings'), Boolean, 20_000);
    const lastQuery = `query ($m: ID!) { meter(id: $m) { lastReading { register } } }`;
    const last = await graphql.request<{ meter: { lastReading: { register: number } | null } }>(lastQuery, { m: meterId }, graphql.keys.customer2);
    expect(last.errors).toBeUndefined();
    expect(last.data!.meter.lastReading).toBeNull();
    const lastForAdmin = await graphql.request<{ meter: { lastReading: { register: number } | null } }>(lastQuery, { m: meterId });
    expect(lastForAdmin.data!.meter.lastReading).toEqual({ register: 110 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = Date.now();
    await insertReading(after, 200);
    await insertReading(after + 1000, 205);
    await insertInvoice(after, 'new');
    for (const table of ['readings', 'invoices', 'alerts', 'meter_registry']) await waitFor(`${table} applied`, () => walApplied(pipeline.questdb, table), Boolean, 20_000);

    const range = { from: new Date(before - hour).toISOString(), to: new Date(after + hour).toISOString() };
    const readings = `query ($m: ID!, $from: DateTime!, $to: DateTime!) { readings(meterId: $m, from: $from, to: $to) { register } }`;
    const mine = await graphql.request<{ readings: { register: number }[] }>(readings, { m: meterId, ...range }, graphql.keys.customer2);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.readings.map((r) => r.register)).toEqual([200, 205]);
    const all = await graphql.request<{ readings: { register: number }[] }>(readings, { m: meterId, ...range });
    expect(all.data!.readings.map((r) => r.register)).toEqual([100, 110, 200, 205]);

    const series = `query ($m: ID!, $from: DateTime!, $to: DateTime!) { readingSeries(meterId: $m, from: $from, to: $to, bucket: DAY_1, aggregate: COUNT, of: REGISTER) { count } }`;
    const counted = await graphql.request<{ readingSeries: { count: number }[] }>(series, { m: meterId, ...range }, graphql.keys.customer2);
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.readingSeries.reduce((n, b) => n + b.count, 0)).toBe(2);

    const invoices = await graphql.request<{ invoices: { edges: { node: { id: string } }[] } }>(`query ($m: ID!) { invoices(meterId: $m) { edges { node { id } } } }`, { m: meterId }, graphql.keys.customer2);
    expect(invoices.data!.invoices.edges.map((e) => e.node.id)).toEqual([`${meterId}/new`]);

    const stats = `query ($from: DateTime!, $to: DateTime!, $sector: String) { fleetStats(from: $from, to: $to, sector: $sector) { meters readings openAlerts } topConsumers(from: $from, to: $to, sector: $sector) { meterId consumption } }`;
    const customerStats = await graphql.request<{ fleetStats: { meters: number; readings: number; openAlerts: number }; topConsumers: { meterId: string; consumption: number }[] }>(stats, range, graphql.keys.customer2);
    expect(customerStats.errors).toBeUndefined();
    expect(customerStats.data!.fleetStats).toEqual({ meters: 1, readings: 2, openAlerts: 0 });
    expect(customerStats.data!.topConsumers).toEqual([{ meterId, consumption: 5 }]);
    const adminStats = await graphql.request<{ fleetStats: { readings: number; openAlerts: number } }>(stats, { ...range, sector });
    expect(adminStats.data!.fleetStats).toMatchObject({ readings: 4, openAlerts: 1 });
    // The former owner no longer sees the meter at all.
    const former = await graphql.request(readings, { m: meterId, ...range }, graphql.keys.customer1);
    expect(former.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
