import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A meter billed by its own registry entry (docs/billing.md, "The meter's own registry entry"):
// registered through the API with its time zone and register modulus, billed by the real
// processors in that zone (the deployment's is UTC) with its register's roll-over billed as a
// wrap; a later change of its cycle day, after a final bill, is refused with an alert.
const at = (iso: string) => Date.parse(iso);

describe('billing by the meter registry (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let meterId: string;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    graphql = await startTestGraphql(pipeline);
    meterId = `${pipeline.runId}-w1`;
    const registered = await graphql.request<{ registerMeter: { billing: Record<string, unknown> } }>(
      `mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water, timeZone: "America/Sao_Paulo", registerModulus: 1000000, billingCycleDay: 1 }) { id billing { registerModulus billingCycleDay maxFlowPerHour serviceStart serviceEnd } } }`,
      { id: meterId },
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerMeter.billing).toEqual({ registerModulus: 1_000_000, billingCycleDay: 1, maxFlowPerHour: null, serviceStart: null, serviceEnd: null });
    await waitFor('registry row applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    // The processors read the registry at start, then every second.
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const received = Date.now() - 60_000;
    // June 2017 in São Paulo (UTC−3): a 6-digit litre register 990,000 → 999,000 → rolls over to 19,000.
    await harness.send([
      waterReading(meterId, at('2017-06-01T03:00:00Z'), { register: 990_000, receivedAt: received }),
      waterReading(meterId, at('2017-06-16T03:00:00Z'), { register: 999_000, receivedAt: received }),
      waterReading(meterId, at('2017-07-01T03:00:00Z'), { register: 19_000, receivedAt: received }),
    ]);
    await harness.closeThrough(at('2017-07-10T00:00:00Z'));
    await harness.caughtUp();
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('bills June in the meter\'s own zone, the roll-over as a wrap', async () => {
    const finals = async () =>
      (await pipeline.questdb.query<{ invoice_id: string; ts: Date; consumption: number; total_cents: string | number }>(`SELECT invoice_id, ts, consumption, total_cents FROM invoices WHERE meter_id = $1 AND status = 'final'`, [meterId])).rows;
    const rows = await waitFor('the June final', finals, (r) => r.length > 0, 60_000, 500);
    // São Paulo's 1 June starts at 03:00 UTC. 9 m³ + the wrap 1,000,000 − 999,000 + 19,000 = 20 m³ → 29 m³:
    // 24.15 + 10 × 3.78 + 9 × 9.44 = 24.15 + 37.80 + 84.96 = R$146.91.
    expect(rows.map((r) => [r.invoice_id, r.ts.toISOString(), r.consumption, Number(r.total_cents)])).toEqual([[`${meterId}/2017-06-01`, '2017-06-01T03:00:00.000Z', 29_000, 14691]]);
  }, 120_000);

  it('refuses to move the periods of a meter already billed, with an alert naming the field', async () => {
    const updated = await graphql.request(`mutation ($id: ID!) { updateMeter(meterId: $id, input: { billingCycleDay: 15 }) { id } }`, { id: meterId });
    expect(updated.errors).toBeUndefined();
    await waitFor('registry row applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    // The processors see the new version within a second and apply it at the meter's next reading.
    await new Promise((r) => setTimeout(r, 2500));
    await harness.send([waterReading(meterId, at('2017-07-02T03:00:00Z'), { register: 19_500, receivedAt: Date.now() })]);
    const refusals = async () =>
      (await pipeline.questdb.query<{ evidence: string }>(`SELECT evidence FROM alerts WHERE meter_id = $1 AND rule = 'billing-refused'`, [meterId])).rows.map((r) => JSON.parse(r.evidence) as { reason: string; field: string });
    const found = await waitFor('the refusal alert', refusals, (r) => r.length > 0, 60_000, 500);
    expect(found).toEqual([expect.objectContaining({ reason: 'registry-change-refused', field: 'billingCycleDay' })]);
  }, 120_000);

  it('records a register replacement (admin, audited), refusing bad values by name', async () => {
    const replace = `mutation ($id: ID!, $at: DateTime!, $old: Float, $new: Float, $unit: String) {
      replaceMeterRegister(meterId: $id, at: $at, oldFinalRegister: $old, newInitialRegister: $new, unit: $unit, note: "meter swapped") { meterId at oldFinalRegister newInitialRegister unit }
    }`;
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ id: meterId, at: '2017-07-05T03:00:00Z', old: -1 }, 'oldFinalRegister'],
      [{ id: meterId, at: '2017-07-05T03:00:00Z', new: 1e13 }, 'newInitialRegister'],
      [{ id: meterId, at: '2017-07-05T03:00:00Z', unit: 'kWh' }, 'unit'],
      [{ id: meterId, at: '2999-07-05T03:00:00Z' }, 'at'],
    ];
    for (const [variables, field] of bad) {
      const response = await graphql.request(replace, variables);
      expect([field, response.errors?.[0]?.extensions?.code, response.errors?.[0]?.extensions?.field]).toEqual([field, 'BAD_USER_INPUT', field]);
    }
    const done = await graphql.request<{ replaceMeterRegister: Record<string, unknown> }>(replace, { id: meterId, at: '2017-07-05T03:00:00Z', old: 19.8, new: 0, unit: 'm3' });
    expect(done.errors).toBeUndefined();
    expect(done.data!.replaceMeterRegister).toEqual({ meterId, at: '2017-07-05T03:00:00.000Z', oldFinalRegister: 19.8, newInitialRegister: 0, unit: 'm3' });
    await waitFor('replacement row applied', () => walApplied(pipeline.questdb, 'meter_replacements'), Boolean);
    const { rows } = await pipeline.questdb.query<{ old_final_register: number; new_initial_register: number; register_unit: string; declared_by: string }>(
      `SELECT old_final_register, new_initial_register, register_unit, declared_by FROM meter_replacements WHERE meter_id = $1`,
      [meterId],
    );
    expect(rows).toEqual([{ old_final_register: 19.8, new_initial_register: 0, register_unit: 'm3', declared_by: 'admin' }]);
    const { rows: audit } = await pipeline.questdb.query<{ operation: string; outcome: string }>(`SELECT operation, outcome FROM audit_log WHERE target = $1 AND operation = 'replaceMeterRegister' ORDER BY ts`, [meterId]);
    expect(audit.map((a) => a.outcome)).toEqual(['error', 'error', 'error', 'error', 'ok']);
  }, 120_000);
});
