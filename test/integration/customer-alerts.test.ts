import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { subscribeSse, type SseSubscription } from './support/sse-subscription';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A customer's own alert feed with the projected bill (issue #14 part 5, docs/customer-alerts.md):
// customer A's meter used 5 m³ in its previous period and uses 1 m³ a day in the running one.
// Through the real processors, the provisional invoice carries the bill projected to the period's
// end, the bill-variation rule fires from it before the period ends, and A sees it in the
// subscription without a meterId (all of A's meters) and in the alerts query; customer B sees
// neither. The tariff is R$10.00 a period + R$2.00 per m³, so every amount is worked by hand.

const day = 86_400_000;

/** Today 00:00 UTC minus days. */
const daysAgo = (k: number) => Math.floor(Date.now() / day) * day - k * day;
const addMonth = (ts: number, months: number) => {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
};

interface AlertNode {
  id: string;
  meterId: string;
  ruleKind: string;
  state: string;
  evidence: string;
}

describe('customer alert feed: the projected bill against the previous one', () => {
  let pipeline: TestPipeline;
  let api: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let meterId: string;
  let feedA: SseSubscription;
  let feedB: SseSubscription;
  // The running period began `elapsed` days ago on cycle day `cycleDay` (≤ 28: cycle days stop there).
  const elapsed = Array.from({ length: 20 }, (_, i) => 9 + i).find((k) => new Date(daysAgo(k)).getUTCDate() <= 28)!;
  const start = daysAgo(elapsed);
  const cycleDay = new Date(start).getUTCDate();
  const previousStart = addMonth(start, -1);
  const periodDays = Math.round((addMonth(start, 1) - start) / day);
  const previousDays = Math.round((start - previousStart) / day);

  beforeAll(async () => {
    pipeline = createTestPipeline();
    const dir = mkdtempSync(join(tmpdir(), 'mf-customer-alerts-'));
    const configFile = join(dir, 'billing.json');
    writeFileSync(configFile, JSON.stringify({ tariffs: [{ id: 'flat-2', currency: 'BRL', unit: 'm3', fixedCharge: 10, tierReferenceDays: null, blocks: [{ upTo: null, rate: 2 }] }], assignment: { default: 'flat-2' } }));
    api = await startTestGraphql(pipeline, { MF_BILLING_CONFIG_FILE: configFile });
    meterId = `${pipeline.runId}-home`;
    const registered = await api.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, {
      id: meterId,
      input: { kind: 'water', customerId: api.customerIds.c1, timeZone: 'UTC', billingCycleDay: cycleDay },
    });
    expect(registered.errors).toBeUndefined();
    await waitFor('registry applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);

    // Both customers follow their whole feed (no meterId) from now on.
    const feed = `subscription { alerts { alertId meterId ruleKind state evidence } }`;
    feedA = await subscribeSse(new URL('/graphql', api.url).toString(), api.keys.customer1, feed, {});
    feedB = await subscribeSse(new URL('/graphql', api.url).toString(), api.keys.customer2, feed, {});
    expect([feedA.status, feedB.status]).toEqual([200, 200]);

    harness = await startTestProcessors(pipeline, { MF_BILLING_CONFIG_FILE: configFile, MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const received = Date.now() - 60_000;
    // Previous period: 100,000 → 105,000 L, evenly. Running period: +1,000 L a day, read daily up to today 00:00 UTC.
    const previous = Array.from({ length: previousDays }, (_, i) => waterReading(meterId, previousStart + i * day, { register: 100_000 + (5_000 * i) / previousDays, receivedAt: received }));
    const running = Array.from({ length: elapsed + 1 }, (_, i) => waterReading(meterId, start + i * day, { register: 105_000 + 1_000 * i, receivedAt: received }));
    await harness.send([...previous, ...running]);
    await harness.closeThrough(Date.now());
    await harness.caughtUp();
  }, 240_000);

  afterAll(async () => {
    feedA?.close();
    feedB?.close();
    await harness?.stop();
    await api?.stop();
    await pipeline?.stopAll();
  });

  it('the provisional invoice shows the bill projected to the period end beside the previous final bill', async () => {
    const query = `query ($m: ID!) { invoices(meterId: $m, first: 5) { edges { node { id status total totalCents consumption projection { total totalCents consumption coverage previousTotalCents change } } } } }`;
    type Node = { id: string; status: string; total: string; totalCents: number; consumption: number; projection: Record<string, unknown> | null };
    const nodes = await waitFor(
      'final and projected provisional invoice',
      async () => (await api.request<{ invoices: { edges: { node: Node }[] } }>(query, { m: meterId }, api.keys.customer1)).data?.invoices.edges.map((e) => e.node) ?? [],
      (n) => n.some((i) => i.status === 'FINAL') && n.some((i) => i.status === 'PROVISIONAL' && i.projection !== null && i.consumption === elapsed * 1000),
      90_000,
      500,
    );
    const final = nodes.find((i) => i.status === 'FINAL')!;
    const running = nodes.find((i) => i.status === 'PROVISIONAL')!;
    // Previous period: 5 m³ → 10.00 + 2 × 5 = R$20.00.
    expect([final.consumption, final.totalCents]).toEqual([5_000, 2000]);
    // So far `elapsed` m³: 10.00 + 2 × elapsed. Projected: 1 m³ a day over the period's days.
    expect(running.totalCents).toBe(1000 + 200 * elapsed);
    const projected = 1000 + 200 * periodDays;
    expect(running.projection).toEqual({
      total: (projected / 100).toFixed(2),
      totalCents: projected,
      consumption: periodDays * 1000,
      coverage: Math.round((elapsed / periodDays) * 10_000) / 10_000,
      previousTotalCents: 2000,
      change: Math.round((projected / 2000 - 1) * 1000) / 1000,
    });
    // Customer B cannot read A's invoices.
    const foreign = await api.request(query, { m: meterId }, api.keys.customer2);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('the bill-variation alert fires from the projection, in A\'s feed and A\'s alerts query, and nowhere for B', async () => {
    const projectedAmount = (1000 + 200 * periodDays) / 100;
    const expected = { amount: projectedAmount, previousAmount: 20, final: false, projected: true, projectedConsumption: periodDays * 1000, unit: 'L', currency: 'BRL', increase: Math.round((projectedAmount / 20 - 1) * 1000) / 1000, minIncrease: 0.3 };
    const event = await waitFor('A\'s feed has the bill variation', async () => feedA.results.map((r) => (r.data as { alerts: { meterId: string; ruleKind: string; state: string; evidence: string } } | undefined)?.alerts).find((a) => a?.ruleKind === 'bill-variation'), Boolean, 90_000, 250);
    expect(event).toMatchObject({ meterId, state: 'open' });
    expect(JSON.parse(event!.evidence)).toMatchObject(expected);

    const query = `query { alerts(filter: { ruleKind: BILL_VARIATION }) { edges { node { id meterId ruleKind state evidence } } } }`;
    const mine = await waitFor(
      'A\'s alerts query has it',
      async () => (await api.request<{ alerts: { edges: { node: AlertNode }[] } }>(query, {}, api.keys.customer1)).data?.alerts.edges.map((e) => e.node) ?? [],
      (n) => n.some((a) => a.meterId === meterId),
      30_000,
      500,
    );
    const alert = mine.find((a) => a.meterId === meterId)!;
    expect([alert.ruleKind, alert.state]).toEqual(['BILL_VARIATION', 'OPEN']);
    expect(JSON.parse(alert.evidence)).toMatchObject(expected);

    const theirs = await api.request<{ alerts: { edges: { node: AlertNode }[] } }>(query, {}, api.keys.customer2);
    expect(theirs.data!.alerts.edges.filter((e) => e.node.meterId === meterId)).toEqual([]);
    // B's feed got nothing of A's meter, though it was open all along.
    expect(feedB.results.filter((r) => JSON.stringify(r).includes(meterId))).toEqual([]);
    expect(feedB.completed).toBe(false);
  });
});
