import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A customer moves out and another moves in on 16 June 2017, recorded through the API
// (changeMeterOwner), while the real processors bill the meter (docs/billing.md, "Owners"):
// June is two invoices, one per owner, each for their own days and litres; each customer reads
// their own invoices and their own time of the meter, never the other's. SABESP 2017 residential
// (the default configuration), deployment in UTC; every amount worked by hand.
const at = (iso: string) => Date.parse(iso);

interface InvoiceNode {
  id: string;
  customerId: string | null;
  consumption: number;
  totalCents: number;
}

describe('a meter changing hands mid-period (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let meterId: string;
  let c1: string;
  let c2: string;
  const changeOwner = `mutation ($m: ID!, $c: ID, $from: String!, $note: String) {
    changeMeterOwner(meterId: $m, customerId: $c, from: $from, note: $note) { meterId from customerId previousCustomerId note declaredBy } }`;
  const invoicesOf = async (variables: Record<string, unknown>, key: string) => {
    const response = await graphql.request<{ invoices: { edges: { node: InvoiceNode }[] } }>(
      `query ($m: ID, $c: ID) { invoices(meterId: $m, customerId: $c) { edges { node { id customerId consumption totalCents } } } }`,
      variables,
      key,
    );
    return response;
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    graphql = await startTestGraphql(pipeline);
    ({ c1, c2 } = graphql.customerIds);
    meterId = `${pipeline.runId}-flat`;
    const registered = await graphql.request(`mutation ($m: ID!, $c: ID!) { registerMeter(meterId: $m, input: { kind: water, customerId: $c }) { id } }`, { m: meterId, c: c1 });
    expect(registered.errors).toBeUndefined();
    await waitFor('registry applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    const moved = await graphql.request<{ changeMeterOwner: Record<string, unknown> }>(changeOwner, { m: meterId, c: c2, from: '2017-06-16', note: 'lease from 16 June' });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.changeMeterOwner).toEqual({ meterId, from: '2017-06-16', customerId: c2, previousCustomerId: c1, note: 'lease from 16 June', declaredBy: 'admin' });
    await waitFor('owner change applied', async () => (await walApplied(pipeline.questdb, 'meter_owners')) && walApplied(pipeline.questdb, 'meter_registry'), Boolean);

    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const received = Date.now() - 60_000;
    const reads: Array<[string, number]> = [
      ['2017-06-01T00:00:00Z', 100_000],
      ['2017-06-16T00:00:00Z', 115_000],
      ['2017-07-01T00:00:00Z', 127_000],
      ['2017-07-10T00:00:00Z', 128_000],
    ];
    await harness.send(reads.map(([ts, register]) => waterReading(meterId, at(ts), { register, receivedAt: received })));
    await harness.closeThrough(at('2017-08-10T00:00:00Z'));
    await harness.caughtUp();
    await waitFor('invoices applied', async () => (await walApplied(pipeline.questdb, 'invoices')) && walApplied(pipeline.questdb, 'readings'), Boolean);
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('bills June as one invoice per owner, each for their own days and litres', async () => {
    const rows = await waitFor(
      'June and July finals',
      async () => (await pipeline.questdb.query<{ invoice_id: string; customer_id: string | null; billable_days: string | number; consumption: number; total_cents: string | number }>(
        `SELECT invoice_id, customer_id, billable_days, consumption, total_cents FROM invoices WHERE meter_id = $1 AND status = 'final' ORDER BY invoice_id`,
        [meterId],
      )).rows,
      (r) => r.length >= 3,
      60_000,
      500,
    );
    // Each June part has 15 billable days of 30: flat 24.15 × 15/30 = 12.075 → R$12.08 up to 5 m³,
    // (5, 10] at R$3.78, (10, 25] at R$9.44.
    // c1, 1–15 June, 15 m³: 12.08 + 18.90 + 5 × 9.44 (47.20) = R$78.18.
    // c2, 16–30 June, 12 m³: 12.08 + 18.90 + 2 × 9.44 (18.88) = R$49.86.
    // c2, July (31 days), 1 m³: flat 24.15 × 31/30 = 24.955 → R$24.96.
    expect(rows.map((r) => [r.invoice_id, r.customer_id, Number(r.billable_days), r.consumption, Number(r.total_cents)])).toEqual([
      [`${meterId}/2017-06-01`, c1, 15, 15_000, 7818],
      [`${meterId}/2017-06-01/from-2017-06-16`, c2, 15, 12_000, 4986],
      [`${meterId}/2017-07-01`, c2, 31, 1_000, 2496],
    ]);
  });

  it('shows each customer their own invoices only, the one who moved out included', async () => {
    const mine = await invoicesOf({ c: c1 }, graphql.keys.customer1);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.invoices.edges.map((e) => [e.node.id, e.node.customerId, e.node.totalCents])).toEqual([[`${meterId}/2017-06-01`, c1, 7818]]);
    const theirs = await invoicesOf({ c: c2 }, graphql.keys.customer2);
    expect(theirs.data!.invoices.edges.map((e) => e.node.id).sort()).toEqual([`${meterId}/2017-06-01/from-2017-06-16`, `${meterId}/2017-07-01`]);
    // The meter is the new owner's now: its own page lists only their invoices; the former owner may not open it.
    const byMeter = await invoicesOf({ m: meterId }, graphql.keys.customer2);
    expect(byMeter.data!.invoices.edges.map((e) => e.node.customerId)).toEqual([c2, c2]);
    const formerOwner = await invoicesOf({ m: meterId }, graphql.keys.customer1);
    expect(formerOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    // Nobody reads another customer's invoices by asking for them.
    const asking = await invoicesOf({ c: c1 }, graphql.keys.customer2);
    expect(asking.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets the new owner read the meter from the day they moved in only', async () => {
    const readings = await graphql.request<{ readings: { ts: string; register: number }[] }>(
      `query ($m: ID!) { readings(meterId: $m, from: "2017-05-31T00:00:00Z", to: "2017-07-31T00:00:00Z") { ts register } }`,
      { m: meterId },
      graphql.keys.customer2,
    );
    expect(readings.errors).toBeUndefined();
    expect(readings.data!.readings.map((r) => r.register).sort((a, b) => a - b)).toEqual([115_000, 127_000, 128_000]);
    const owners = await graphql.request<{ meter: { ownerChanges: { from: string; customerId: string }[] } }>(`query ($m: ID!) { meter(id: $m) { ownerChanges { from customerId } } }`, { m: meterId }, graphql.keys.customer2);
    expect(owners.data!.meter.ownerChanges).toEqual([{ from: '2017-06-16', customerId: c2 }]);
  });

  it('refuses bad changes with a typed error naming the argument, and non-admins', async () => {
    const refused = async (variables: Record<string, unknown>, key = graphql.keys.admin) => (await graphql.request(changeOwner, { m: meterId, from: '2017-06-16', ...variables }, key)).errors?.[0];
    expect((await refused({ from: '2999-01-01' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect((await refused({ from: '16/06/2017' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect((await refused({ c: 'no spaces allowed' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    expect((await refused({ m: `${pipeline.runId}-nowhere` }))?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'meterId' });
    expect((await refused({ c: c1 }, graphql.keys.analyst))?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
