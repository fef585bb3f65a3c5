import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A service point's life through the API and the real processors (docs/billing.md): a register
// replaced mid-period (one continuous bill), a move-in and a move-out (blocks and the flat
// amount prorated by billable days / 30), and periods in the meter's own zone across DST while
// the deployment bills in UTC. SABESP 2017 residential (the default configuration), 3 days of
// grace; every amount below is worked by hand. (The register's wrap through the modulus is in
// billing-registry.test.ts.) A pulse register with its multiplier, replaced by one with another.
const at = (iso: string) => Date.parse(iso);

interface FinalRow {
  invoice_id: string;
  ts: Date;
  period_end: Date;
  period_days: string | number;
  billable_days: string | number;
  consumption: number;
  total_cents: string | number;
  read_status: string;
  unexplained_decreases: string | number;
}

describe('billing over a meter\'s life (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let replaced: string;
  let moved: string;
  let newYork: string;
  let pulses: string;

  const finals = async (meterId: string) =>
    (await pipeline.questdb.query<FinalRow>(
      `SELECT invoice_id, ts, period_end, period_days, billable_days, consumption, total_cents, read_status, unexplained_decreases FROM invoices WHERE meter_id = $1 AND status = 'final' ORDER BY ts`,
      [meterId],
    )).rows;
  /** The finals of a meter once `ids` are all there: [id, period start, period end, days, billable days, consumption (L), cents, read status]. */
  const finalsOnce = async (meterId: string, ids: string[]) => {
    const rows = await waitFor(`finals ${ids.join(', ')}`, () => finals(meterId), (r) => ids.every((id) => r.some((x) => x.invoice_id === id)), 60_000, 500);
    return rows.map((r) => [r.invoice_id, r.ts.toISOString(), r.period_end.toISOString(), Number(r.period_days), Number(r.billable_days), r.consumption, Number(r.total_cents), r.read_status]);
  };
  /** A final invoice's lines: [tier, quantity (m³), cents] (invoice_lines applies its WAL on its own: waited for). */
  const finalLines = async (invoiceId: string) =>
    (await waitFor(
      `lines of ${invoiceId}`,
      async () =>
        (await pipeline.questdb.query<{ tier: string | number; quantity: number; amount_cents: string | number }>(
          `SELECT tier, quantity, amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = 'final' ORDER BY line_no`,
          [invoiceId],
        )).rows,
      (rows) => rows.length > 0,
      30_000,
      250,
    )).map((l) => [Number(l.tier), l.quantity, Number(l.amount_cents)]);

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    graphql = await startTestGraphql(pipeline);
    replaced = `${pipeline.runId}-rep`;
    moved = `${pipeline.runId}-svc`;
    newYork = `${pipeline.runId}-nyc`;
    pulses = `${pipeline.runId}-pulse`;

    const register = async (meterId: string, input: string) => {
      const response = await graphql.request<{ registerMeter: { timeZone: string | null; billing: Record<string, unknown> } }>(
        `mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water${input} }) { id timeZone billing { serviceStart serviceEnd } } }`,
        { id: meterId },
      );
      expect(response.errors).toBeUndefined();
      return response.data!.registerMeter;
    };
    await register(replaced, '');
    expect(await register(moved, ', serviceStart: "2017-06-16T00:00:00Z"')).toEqual({ id: moved, timeZone: null, billing: { serviceStart: '2017-06-16T00:00:00.000Z', serviceEnd: null } });
    expect((await register(newYork, ', timeZone: "America/New_York"')).timeZone).toBe('America/New_York');
    // A register counting 10-litre pulses.
    const pulse = await graphql.request<{ registerMeter: { billing: Record<string, unknown> } }>(
      `mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water, registerMultiplier: 10 }) { billing { registerMultiplier } } }`,
      { id: pulses },
    );
    expect(pulse.errors).toBeUndefined();
    expect(pulse.data!.registerMeter.billing).toEqual({ registerMultiplier: 10 });
    const zero = await graphql.request(`mutation ($id: ID!) { updateMeter(meterId: $id, input: { registerMultiplier: 0 }) { id } }`, { id: pulses });
    expect(zero.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'input.registerMultiplier']]);
    // updateMeter and replaceMeterRegister read the registered record back.
    await waitFor('registry rows applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);

    // Move-out, on the record that already holds the move-in (omitted fields keep their value).
    const updated = await graphql.request<{ updateMeter: { billing: Record<string, unknown> } }>(
      `mutation ($id: ID!) { updateMeter(meterId: $id, input: { serviceEnd: "2017-07-11T00:00:00Z" }) { billing { serviceStart serviceEnd } } }`,
      { id: moved },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateMeter.billing).toEqual({ serviceStart: '2017-06-16T00:00:00.000Z', serviceEnd: '2017-07-11T00:00:00.000Z' });

    // The register swapped on 15 June at noon: the old one read 263,125 L when removed, the new one 40 L when fitted.
    const swap = await graphql.request<{ replaceMeterRegister: Record<string, unknown> }>(
      `mutation ($id: ID!) { replaceMeterRegister(meterId: $id, at: "2017-06-15T12:00:00Z", oldFinalRegister: 263125, newInitialRegister: 40, unit: "L", note: "register swapped") { at oldFinalRegister newInitialRegister unit } }`,
      { id: replaced },
    );
    expect(swap.errors).toBeUndefined();
    expect(swap.data!.replaceMeterRegister).toEqual({ at: '2017-06-15T12:00:00.000Z', oldFinalRegister: 263_125, newInitialRegister: 40, unit: 'L' });
    // The pulse register closed at 2,000 pulses on 20 June; the new one counts 100-litre pulses.
    const pulseSwap = await graphql.request<{ replaceMeterRegister: Record<string, unknown> }>(
      `mutation ($id: ID!) { replaceMeterRegister(meterId: $id, at: "2017-06-20T00:00:00Z", oldFinalRegister: 2000, newInitialRegister: 0, newRegisterMultiplier: 100, unit: "L") { newRegisterMultiplier } }`,
      { id: pulses },
    );
    expect(pulseSwap.errors).toBeUndefined();
    expect(pulseSwap.data!.replaceMeterRegister).toEqual({ newRegisterMultiplier: 100 });
    await waitFor('registry and replacement applied', async () => (await walApplied(pipeline.questdb, 'meter_registry')) && walApplied(pipeline.questdb, 'meter_replacements'), Boolean);

    // Started after the registry is applied: the sync's first read gives every meter its profile
    // and the replacement before its first reading.
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const received = Date.now() - 60_000;
    const reads = (meterId: string, list: Array<[string, number]>) => list.map(([ts, register]) => waterReading(meterId, at(ts), { register, receivedAt: received }));
    await harness.send([
      // Old register to the swap, new register from 40 L on. Readings at the period's edges, so nothing is prorated.
      ...reads(replaced, [
        ['2017-06-01T00:00:00Z', 250_000],
        ['2017-06-10T00:00:00Z', 256_500],
        ['2017-06-20T00:00:00Z', 6_040],
        ['2017-07-01T00:00:00Z', 14_260],
      ]),
      ...reads(pulses, [
        ['2017-06-01T00:00:00Z', 1_000],
        ['2017-06-16T00:00:00Z', 1_800],
        ['2017-07-01T00:00:00Z', 140],
      ]),
      // In service 16 June – 10 July (serviceEnd is exclusive).
      ...reads(moved, [
        ['2017-06-16T00:00:00Z', 100_000],
        ['2017-06-23T00:00:00Z', 104_000],
        ['2017-07-01T00:00:00Z', 112_500],
        ['2017-07-06T00:00:00Z', 116_000],
        ['2017-07-11T00:00:00Z', 121_750],
      ]),
      // New York: February ends at 2017-03-01T05:00Z (EST); March, after DST began on 12 March,
      // at 2017-04-01T04:00Z (EDT); April at 2017-05-01T04:00Z. Each step lies inside one New York
      // period (readings exactly at the boundaries); in UTC, or at a fixed EST offset, some would not.
      ...reads(newYork, [
        ['2017-03-01T04:00:00Z', 500_000], // 28 Feb 23:00 EST
        ['2017-03-01T05:00:00Z', 501_000], // 1 Mar 00:00 EST: +1,000 in February
        ['2017-03-15T00:00:00Z', 520_000], // +19,000 in March
        ['2017-04-01T04:00:00Z', 531_000], // 1 Apr 00:00 EDT: +11,000 in March
        ['2017-04-01T04:30:00Z', 534_000], // 1 Apr 00:30 EDT: +3,000 in April (March at a fixed EST offset)
        ['2017-05-01T04:00:00Z', 550_000], // 1 May 00:00 EDT: +16,000 in April
      ]),
    ]);
    // Past the end + grace of August (1 Sep + 3 days), so a bill for August would be out by now.
    await harness.closeThrough(at('2017-09-10T00:00:00Z'));
    await harness.caughtUp();
    await waitFor('invoices applied', () => walApplied(pipeline.questdb, 'invoices'), Boolean);
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('bills a register replaced mid-period as one continuous June', async () => {
    const id = `${replaced}/2017-06-01`;
    const rows = await finalsOnce(replaced, [id]);
    // Old register 263,125 − 250,000 = 13,125 L; new register 14,260 − 40 = 14,220 L; 27,345 L = 27.345 m³.
    // June, 30 days, no scaling: 24.15 + 10 × 3.78 + 7.345 × 9.44 = 24.15 + 37.80 + 69.3368 (→ 69.34) = R$131.29.
    // Undeclared, the new register would be an unexplained decrease and June 6.5 m³, R$24.15.
    expect(rows.filter((r) => r[0] === id)).toEqual([[id, '2017-06-01T00:00:00.000Z', '2017-07-01T00:00:00.000Z', 30, 30, 27_345, 13_129, 'read']]);
    expect(await finalLines(id)).toEqual([
      [1, 10, 2415],
      [2, 10, 3780],
      [3, 7.345, 6934],
    ]);
    // The drop to 6,040 L is the declared replacement, not an unexplained decrease.
    expect(Number((await finals(replaced)).find((r) => r.invoice_id === id)!.unexplained_decreases)).toBe(0);
  }, 120_000);

  it('bills a pulse register by its multiplier, and the register that replaced it by its own', async () => {
    const id = `${pulses}/2017-06-01`;
    const rows = await finalsOnce(pulses, [id]);
    // (1,800 − 1,000) × 10 = 8,000 L; the old register's tail (2,000 − 1,800) × 10 = 2,000 L; the
    // new one 140 × 100 = 14,000 L: 24 m³ = 24.15 + 10 × 3.78 + 4 × 9.44 = 24.15 + 37.80 + 37.76 = R$99.71.
    // With no multiplier it would be 1,140 L, R$24.15.
    expect(rows.filter((r) => r[0] === id)).toEqual([[id, '2017-06-01T00:00:00.000Z', '2017-07-01T00:00:00.000Z', 30, 30, 24_000, 9971, 'read']]);
    expect(await finalLines(id)).toEqual([
      [1, 10, 2415],
      [2, 10, 3780],
      [3, 4, 3776],
    ]);
  }, 120_000);

  it('prorates the move-in and move-out periods by billable days / 30, and bills nothing after the move-out', async () => {
    const june = `${moved}/2017-06-01`;
    const july = `${moved}/2017-07-01`;
    const rows = await finalsOnce(moved, [june, july]);
    // June: 16-30 June in service, 15 days: blocks 0-5, 5-10, 10-25, flat 24.15 × 15/30 = 12.075 → 12.08.
    // 112,500 − 100,000 = 12.5 m³: 12.08 + 5 × 3.78 + 2.5 × 9.44 = 12.08 + 18.90 + 23.60 = R$54.58.
    // July (31 days): 1-10 July in service, 10 days: × 10/30 → blocks 0-3.333, 3.333-6.667, 6.667-16.667,
    // flat 24.15 / 3 = 8.05. 121,750 − 112,500 = 9.25 m³: 8.05 + (6.667 − 3.333 = 3.334) × 3.78
    // + (9.25 − 6.667 = 2.583) × 9.44 = 8.05 + 12.60252 (→ 12.60) + 24.38352 (→ 24.38) = R$45.03.
    // August starts after the move-out: no bill, though its end + grace has passed.
    expect(rows).toEqual([
      [june, '2017-06-01T00:00:00.000Z', '2017-07-01T00:00:00.000Z', 30, 15, 12_500, 5458, 'read'],
      [july, '2017-07-01T00:00:00.000Z', '2017-08-01T00:00:00.000Z', 31, 10, 9250, 4503, 'read'],
    ]);
    expect(await finalLines(june)).toEqual([
      [1, 5, 1208],
      [2, 5, 1890],
      [3, 2.5, 2360],
    ]);
    expect(await finalLines(july)).toEqual([
      [1, 3.333, 805],
      [2, 3.334, 1260],
      [3, 2.583, 2438],
    ]);
  }, 120_000);

  it('bills in the meter\'s own zone across DST, not the deployment\'s UTC', async () => {
    const ids = ['2017-02-01', '2017-03-01', '2017-04-01'].map((label) => `${newYork}/${label}`);
    const rows = await finalsOnce(newYork, ids);
    // February (28 days): 1 m³, within the first block scaled to 28/30: flat 24.15 × 28/30 = 22.54.
    // March (31 days, 743 hours): 19,000 + 11,000 = 30 m³; × 31/30: blocks 0-10.333, 10.333-20.667,
    // 20.667-51.667, flat 24.955 → 24.96 (half-up): 24.96 + 10.334 × 3.78 + 9.333 × 9.44
    // = 24.96 + 39.06252 (→ 39.06) + 88.10352 (→ 88.10) = R$152.12.
    // April (30 days): 3,000 + 16,000 = 19 m³: 24.15 + 9 × 3.78 = 24.15 + 34.02 = R$58.17.
    expect(rows.filter((r) => ids.includes(r[0] as string))).toEqual([
      [ids[0], '2017-02-01T05:00:00.000Z', '2017-03-01T05:00:00.000Z', 28, 28, 1000, 2254, 'read'],
      [ids[1], '2017-03-01T05:00:00.000Z', '2017-04-01T04:00:00.000Z', 31, 31, 30_000, 15_212, 'read'],
      [ids[2], '2017-04-01T04:00:00.000Z', '2017-05-01T04:00:00.000Z', 30, 30, 19_000, 5817, 'read'],
    ]);
    expect(await finalLines(ids[1]!)).toEqual([
      [1, 10.333, 2496],
      [2, 10.334, 3906],
      [3, 9.333, 8810],
    ]);
    // Nothing billed in a UTC calendar for this meter.
    expect(rows.filter((r) => (r[1] as string).endsWith('T00:00:00.000Z'))).toEqual([]);
  }, 120_000);

  it('buckets the meter\'s readings by its own local days when no time zone is asked for', async () => {
    // 28 Feb 23:00 EST and 1 Mar 00:00 EST: two New York days, one UTC day.
    const series = (zone: string | null) =>
      graphql.request<{ readingSeries: { ts: string; value: number; count: number }[] }>(
        `query ($m: ID!, $z: String) { readingSeries(meterId: $m, from: "2017-02-28T00:00:00Z", to: "2017-03-02T00:00:00Z", bucket: DAY_1, aggregate: MAX, of: REGISTER, timeZone: $z) { ts value count } }`,
        { m: newYork, z: zone },
      );
    await waitFor('readings applied', () => walApplied(pipeline.questdb, 'readings'), Boolean);
    const own = await series(null);
    expect(own.errors).toBeUndefined();
    expect(own.data!.readingSeries).toEqual([
      { ts: '2017-02-28T05:00:00.000Z', value: 500_000, count: 1 },
      { ts: '2017-03-01T05:00:00.000Z', value: 501_000, count: 1 },
    ]);
    expect((await series('UTC')).data!.readingSeries).toEqual([{ ts: '2017-03-01T00:00:00.000Z', value: 501_000, count: 2 }]);
  });
});
