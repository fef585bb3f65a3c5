import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Manual reads end to end (docs/billing.md, "Manual reads and corrections"): an admin accepts a
// register jump billing held, and corrects a wrong reading of a finally billed period, through
// the GraphQL API; the reads travel the readings topic to the sink and the real processors,
// and the bill changes only by adjustment invoices. SABESP 2017 water tariff (the default
// configuration), UTC months, 3 days of grace.
const recordRead = `mutation ($meterId: ID!, $at: DateTime!, $register: Float!, $unit: String, $estimated: Boolean, $note: String) {
  recordMeterRead(meterId: $meterId, at: $at, register: $register, unit: $unit, estimated: $estimated, note: $note) { meterId at register unit source replaced replacedUnit }
}`;
const acceptRead = `mutation ($meterId: ID!, $at: DateTime!, $note: String) {
  acceptMeterRead(meterId: $meterId, at: $at, note: $note) { meterId at register unit source replaced }
}`;
const invoicesQuery = `query ($meterId: ID!) { invoices(meterId: $meterId, first: 20) { edges { node { id status consumption totalCents readStatus carriedConsumption heldJumps } } } }`;

const at = (iso: string) => Date.parse(iso);

describe('manual reads through GraphQL, billed by the real processors', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let meterId: string;

  type Invoice = { id: string; status: string; consumption: number; totalCents: number; readStatus: string; carriedConsumption: number; heldJumps: number };
  const invoices = async () => {
    const response = await graphql.request<{ invoices: { edges: { node: Invoice }[] } }>(invoicesQuery, { meterId });
    expect(response.errors).toBeUndefined();
    return response.data!.invoices.edges.map((e) => e.node);
  };
  const caughtUp = async () => {
    await harness.caughtUp();
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean);
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'UTC', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    graphql = await startTestGraphql(pipeline);
    meterId = `${pipeline.runId}-w1`;
    const registered = await graphql.request(`mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water }) { id } }`, { id: meterId });
    expect(registered.errors).toBeUndefined();
    // June 2025: 100,000 L on the 1st, 110,000 on the 20th at 00:00, then 400,000 an hour later
    // (290 m³ in an hour: beyond 10 m³/h, a jump), going on from there: 405,000 on 1 July.
    const received = Date.now() - 60_000;
    await harness.send([
      waterReading(meterId, at('2025-06-01T00:00:00Z'), { register: 100_000, receivedAt: received }),
      waterReading(meterId, at('2025-06-20T00:00:00Z'), { register: 110_000, receivedAt: received }),
      waterReading(meterId, at('2025-06-20T01:00:00Z'), { register: 400_000, receivedAt: received }),
      waterReading(meterId, at('2025-07-01T00:00:00Z'), { register: 405_000, receivedAt: received }),
    ]);
    // Close June: the meter goes idle on the receive clock (ticks received a day later) and every
    // partition's stream time passes 4 July.
    await harness.closeThrough(at('2025-07-10T00:00:00Z'));
    await caughtUp();
  }, 240_000);

  afterAll(async () => {
    await graphql?.stop();
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('bills June without the held jump, then the jump once an admin accepts it, as an adjustment', async () => {
    // June: 10 m³ (to the 20th) + 5 m³ (the new level to 1 July) = 15 m³, 30 days: 24.15 + 5 × 3.78 = 43.05.
    const before = await waitFor('June final', invoices, (list) => list.some((i) => i.status === 'FINAL'), 60_000, 500);
    expect(before.filter((i) => i.status === 'FINAL')).toEqual([
      { id: `${meterId}/2025-06-01`, status: 'FINAL', consumption: 15_000, totalCents: 4305, readStatus: 'READ', carriedConsumption: 0, heldJumps: 1 },
    ]);
    const { rows: alerts } = await pipeline.questdb.query<{ evidence: string }>(`SELECT evidence FROM alerts WHERE meter_id = $1 AND rule = 'register-anomaly'`, [meterId]);
    expect(alerts.map((a) => (JSON.parse(a.evidence) as { anomaly: string; to: number }).anomaly)).toContain('jump');

    const accepted = await graphql.request<{ acceptMeterRead: Record<string, unknown> }>(acceptRead, { meterId, at: '2025-06-20T01:00:00Z', note: 'pipe burst confirmed on site' });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptMeterRead).toEqual({ meterId, at: '2025-06-20T01:00:00.000Z', register: 400_000, unit: 'L', source: 'MANUAL', replaced: 400_000 });
    await caughtUp();
    // June is 305 m³ now: 24.15 + 37.80 + 30 × 9.44 + 255 × 10.40 = 24.15 + 37.80 + 283.20 + 2,652.00 = 2,997.15;
    // the adjustment bills the difference: +290 m³, 2,997.15 − 43.05 = 2,954.10.
    const adjusted = await waitFor('the adjustment', invoices, (list) => list.some((i) => i.status === 'ADJUSTMENT'), 60_000, 500);
    expect(adjusted.filter((i) => i.status === 'ADJUSTMENT').map((i) => [i.id, i.consumption, i.totalCents])).toEqual([[`${meterId}/2025-06-01/adj-1`, 290_000, 295_410]]);
    // The final bill stands as it was.
    expect(adjusted.find((i) => i.status === 'FINAL')).toMatchObject({ consumption: 15_000, totalCents: 4305 });
    // The readings table says who stated the value now.
    const { rows } = await pipeline.questdb.query<{ register: number; source: string | null }>(`SELECT register, source FROM readings WHERE meter_id = $1 AND ts = '2025-06-20T01:00:00.000000Z'`, [meterId]);
    expect(rows).toEqual([{ register: 400_000, source: 'manual' }]);
  }, 180_000);

  it('takes an admin correction of a finally billed reading as a second adjustment, never a rewrite', async () => {
    const corrected = await graphql.request<{ recordMeterRead: Record<string, unknown> }>(recordRead, { meterId, at: '2025-07-01T00:00:00Z', register: 404, unit: 'm3', note: 'read on site: 404 m³' });
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data!.recordMeterRead).toEqual({ meterId, at: '2025-07-01T00:00:00.000Z', register: 404, unit: 'm3', source: 'MANUAL', replaced: 405_000, replacedUnit: 'L' });
    await caughtUp();
    // June: 304 m³ instead of 305 → −1 m³ in the top block: −10.40.
    const list = await waitFor('the second adjustment', invoices, (l) => l.some((i) => i.id.endsWith('/adj-2')), 60_000, 500);
    expect(list.filter((i) => i.id.endsWith('/adj-2')).map((i) => [i.status, i.consumption, i.totalCents])).toEqual([['ADJUSTMENT', -1000, -1040]]);
    const { rows } = await pipeline.questdb.query<{ register: number; register_unit: string; source: string }>(`SELECT register, register_unit, source FROM readings WHERE meter_id = $1 AND ts = '2025-07-01T00:00:00.000000Z'`, [meterId]);
    expect(rows).toEqual([{ register: 404, register_unit: 'm3', source: 'manual' }]);
    const { rows: audit } = await pipeline.questdb.query<{ operation: string; outcome: string }>(`SELECT operation, outcome FROM audit_log WHERE target = $1 ORDER BY ts`, [meterId]);
    expect(audit.filter((a) => a.operation !== 'registerMeter')).toEqual([
      { operation: 'acceptMeterRead', outcome: 'ok' },
      { operation: 'recordMeterRead', outcome: 'ok' },
    ]);
  }, 180_000);

  it('refuses bad reads with a typed error naming the argument, and non-admins', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      [recordRead, { meterId, at: '2025-07-02T00:00:00Z', register: -5 }, 'BAD_USER_INPUT', 'register'],
      [recordRead, { meterId, at: '2025-07-02T00:00:00Z', register: 1e13 }, 'BAD_USER_INPUT', 'register'],
      [recordRead, { meterId, at: '2025-07-02T00:00:00Z', register: 5, unit: 'kWh' }, 'BAD_USER_INPUT', 'unit'],
      [recordRead, { meterId, at: '2999-01-01T00:00:00Z', register: 5 }, 'BAD_USER_INPUT', 'at'],
      [recordRead, { meterId, at: '2025-07-02T00:00:00Z', register: 5, note: 'x'.repeat(501) }, 'BAD_USER_INPUT', 'note'],
      [recordRead, { meterId: `${pipeline.runId}-nobody`, at: '2025-07-02T00:00:00Z', register: 5 }, 'NOT_FOUND', 'meterId'],
      [acceptRead, { meterId, at: '2025-06-20T00:30:00Z' }, 'NOT_FOUND', 'at'],
    ];
    for (const [query, variables, code, field] of cases) {
      const response = await graphql.request(query, variables);
      expect([variables, response.errors?.[0]?.extensions?.code, response.errors?.[0]?.extensions?.field]).toEqual([variables, code, field]);
    }
    const analyst = await graphql.request(recordRead, { meterId, at: '2025-07-02T00:00:00Z', register: 5 }, graphql.keys.analyst);
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing of these reached the readings table.
    const { rows } = await pipeline.questdb.query<{ n: number }>(`SELECT count() n FROM readings WHERE meter_id = $1 AND ts > '2025-07-01T00:00:00.000000Z' AND ts < '2025-07-10T00:00:00.000000Z'`, [meterId]);
    expect(Number(rows[0]!.n)).toBe(0);
  }, 120_000);
});
