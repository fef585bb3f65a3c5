import type { Reading } from '../../core/contracts';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Tariffs managed at run time (docs/billing.md, "Tariffs at run time"), through the real API,
// processors and QuestDB: a tariff published and assigned while the processors run bills the
// meter; a new version effective in a period already billed is billed as an adjustment; a
// retirement hands the meter to its successor. Every tariff of this file has a run-unique id
// (tariff_versions is shared by every test of the stack) and one flat rate, so each amount is
// the consumption times the rate, whatever the month's length.
//
// A registry assignment holds from the day it is made, so the bills are of the months after
// today: readings and stream time are sent ahead of the wall clock (receivedAt = the event
// time, as a live meter's would be then). The processors have no wall clock.
const utcMonth = (offset: number) => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
};
const dayMs = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const publish = `mutation ($tariff: JSONObject!, $from: String!, $note: String) {
  publishTariff(tariff: $tariff, effectiveFrom: $from, note: $note) { id source currency unit meterKinds versions { version effectiveFrom publishedBy note } retiredFrom replacedBy }
}`;
const retire = `mutation ($id: ID!, $from: String!, $by: ID) { retireTariff(tariffId: $id, from: $from, replacedBy: $by) { id retiredFrom replacedBy } }`;
const assign = `mutation ($meter: ID!, $tariff: ID!) { assignTariff(meterId: $meter, tariffId: $tariff) { id } }`;
const flat = (id: string, rate: number, extra: Record<string, unknown> = {}) => ({ id, name: `flat ${rate}`, currency: 'BRL', unit: 'm3', blocks: [{ upTo: null, rate }], ...extra });

describe('tariffs at run time (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let harness: TestProcessors;
  let meterId: string;
  let first: string;
  let successor: string;
  const m1 = utcMonth(1);
  const m2 = utcMonth(2);
  const m3 = utcMonth(3);

  /** Moves every partition's stream time to `ts` (60 tick meters, received then). */
  const tick = (ts: number) => harness.send(Array.from({ length: 60 }, (_, k) => waterReading(`${pipeline.runId}-tick-${k}`, ts, { value: 0, receivedAt: ts })));
  const reading = (ts: number, litres: number): Reading => waterReading(meterId, ts, { register: litres, receivedAt: ts });
  const invoices = async () =>
    (
      await pipeline.questdb.query<{ invoice_id: string; status: string; consumption: number; total_cents: string | number }>(
        `SELECT invoice_id, status, consumption, total_cents FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted') ORDER BY invoice_id`,
        [meterId],
      )
    ).rows.map((r) => [r.invoice_id, r.status, r.consumption, Number(r.total_cents)]);
  const lineTariffs = async (invoiceId: string) =>
    (await pipeline.questdb.query<{ tariff_id: string; quantity: number; amount_cents: string | number }>(`SELECT tariff_id, quantity, amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = 'final'`, [invoiceId])).rows.map((r) => [r.tariff_id, r.quantity, Number(r.amount_cents)]);

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    graphql = await startTestGraphql(pipeline);
    meterId = `${pipeline.runId}-w`;
    first = `${pipeline.runId}-flat`;
    successor = `${pipeline.runId}-flat-next`;
    const registered = await graphql.request(`mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water }) { id } }`, { id: meterId });
    expect(registered.errors).toBeUndefined();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('refuses bad tariffs and assignments with the field at fault, and non-admins', async () => {
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ tariff: flat(first, 2, { blocks: [{ upTo: 10, rate: 1 }, { upTo: 5, rate: 2 }, { upTo: null, rate: 3 }] }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.blocks[1].upTo'],
      [{ tariff: flat(first, 2, { currency: 'R$' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.currency'],
      [{ tariff: flat(first, 2, { unit: 'furlong' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.unit'],
      [{ tariff: flat(first, 2, { tou: { periods: [] } }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.tou.periods'],
      [{ tariff: flat(first, 2), from: '2026-02-30' }, 'BAD_USER_INPUT', 'effectiveFrom'],
      [{ tariff: flat(first, 2), from: 'tomorrow' }, 'BAD_USER_INPUT', 'effectiveFrom'],
      // A version of the configured tariff in kWh or USD would leave its water meters unpriceable or mixed: refused before anything is written.
      [{ tariff: flat('sabesp-res-2017', 2, { unit: 'kWh' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.unit'],
      [{ tariff: flat('sabesp-res-2017', 2, { currency: 'USD' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.currency'],
    ];
    for (const [variables, code, field] of bad) {
      const response = await graphql.request(publish, variables);
      expect([field, response.errors?.[0]?.extensions?.code, response.errors?.[0]?.extensions?.field]).toEqual([field, code, field]);
      expect(response.errors?.[0]?.message).not.toMatch(/\n\s+at /);
    }
    const analyst = await graphql.request(publish, { tariff: flat(first, 2), from: '2026-01-01' }, graphql.keys.analyst);
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await graphql.request(assign, { meter: meterId, tariff: `${pipeline.runId}-nope` });
    expect([unknown.errors?.[0]?.extensions?.code, unknown.errors?.[0]?.extensions?.field]).toEqual(['NOT_FOUND', 'tariffId']);
    // An electricity tariff for a water meter.
    const kwh = await graphql.request(publish, { tariff: flat(`${pipeline.runId}-kwh`, 0.5, { unit: 'kWh' }), from: '2026-01-01' });
    expect(kwh.errors).toBeUndefined();
    expect(kwh.data).toEqual({ publishTariff: expect.objectContaining({ meterKinds: ['electricity'], source: 'API' }) });
    const mismatch = await graphql.request(assign, { meter: meterId, tariff: `${pipeline.runId}-kwh` });
    expect([mismatch.errors?.[0]?.extensions?.code, mismatch.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'tariffId']);
    // Nothing of the refused publications reached the catalog.
    const configured = await graphql.request<{ tariff: { versions: unknown[]; source: string } }>(`{ tariff(id: "sabesp-res-2017") { source versions { version } } }`);
    expect(configured.data!.tariff).toEqual({ source: 'CONFIGURED', versions: [{ version: 0 }] });
    const { rows: audit } = await pipeline.questdb.query<{ outcome: string }>(`SELECT outcome FROM audit_log WHERE target = $1 AND operation = 'publishTariff'`, [first]);
    expect(audit.filter((a) => a.outcome === 'error').length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('bills with a tariff published and assigned while the processors run; a later version for a billed month is an adjustment', async () => {
    const published = await graphql.request<{ publishTariff: { versions: unknown[] } }>(publish, { tariff: flat(first, 2), from: isoDate(m1), note: 'launch' });
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishTariff).toEqual({ id: first, source: 'API', currency: 'BRL', unit: 'm3', meterKinds: ['water', 'gas'], versions: [{ version: 1, effectiveFrom: isoDate(m1), publishedBy: 'admin', note: 'launch' }], retiredFrom: null, replacedBy: null });
    // Publishing the same version again adds nothing.
    const again = await graphql.request<{ publishTariff: { versions: unknown[] } }>(publish, { tariff: flat(first, 2), from: isoDate(m1), note: 'launch' });
    expect(again.data!.publishTariff.versions).toHaveLength(1);
    expect((await graphql.request(assign, { meter: meterId, tariff: first })).errors).toBeUndefined();
    await waitFor('registry and tariff rows applied', async () => (await walApplied(pipeline.questdb, 'meter_registry')) && walApplied(pipeline.questdb, 'tariff_versions'), Boolean);
    // The processors read the registry and the catalog every second.
    await new Promise((r) => setTimeout(r, 2500));

    // Month 1: 100,000 → 127,000 L = 27 m³ at R$2.00 = R$54.00.
    await harness.send([reading(m1, 100_000), reading(m2, 127_000)]);
    await tick(m2 + 4 * dayMs);
    const m1Id = `${meterId}/${isoDate(m1)}`;
    expect(await waitFor('the month-1 final', invoices, (r) => r.length > 0, 90_000, 500)).toEqual([[m1Id, 'final', 27_000, 5400]]);
    expect(await lineTariffs(m1Id)).toEqual([[first, 27, 5400]]);

    // A corrected price from month 1 on: R$3.00. The meter's next reading brings it to billing:
    // month 1 again = 27 × 3.00 = 81.00, billed as +27.00.
    const corrected = await graphql.request<{ publishTariff: { versions: Array<{ version: number; effectiveFrom: string }> } }>(publish, { tariff: flat(first, 3), from: isoDate(m1), note: 'price correction' });
    expect(corrected.data!.publishTariff.versions.map((v) => [v.version, v.effectiveFrom])).toEqual([[1, isoDate(m1)], [2, isoDate(m1)]]);
    await waitFor('tariff row applied', () => walApplied(pipeline.questdb, 'tariff_versions'), Boolean);
    await new Promise((r) => setTimeout(r, 2500));
    await harness.send([reading(m2 + dayMs, 127_500)]);
    await tick(m2 + 5 * dayMs);
    const rows = await waitFor('the adjustment', invoices, (r) => r.length > 1, 90_000, 500);
    expect(rows).toEqual([[m1Id, 'final', 27_000, 5400], [`${m1Id}/adj-1`, 'adjusted', 0, 2700]]);
  }, 240_000);

  it('retires a tariff: refused while assigned without a successor; with one, the meter is billed by it', async () => {
    const refused = await graphql.request(retire, { id: first, from: isoDate(m2) });
    expect([refused.errors?.[0]?.extensions?.code, refused.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'replacedBy']);
    expect(refused.errors?.[0]?.message).toContain(`meter ${meterId}`);
    expect((await graphql.request(publish, { tariff: flat(successor, 4), from: '2020-01-01' })).errors).toBeUndefined();
    const usd = await graphql.request(publish, { tariff: flat(`${pipeline.runId}-usd`, 4, { currency: 'USD' }), from: '2020-01-01' });
    expect(usd.errors).toBeUndefined();
    const wrongCurrency = await graphql.request(retire, { id: first, from: isoDate(m2), by: `${pipeline.runId}-usd` });
    expect([wrongCurrency.errors?.[0]?.extensions?.code, wrongCurrency.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'replacedBy']);
    const retired = await graphql.request(retire, { id: first, from: isoDate(m2), by: successor });
    expect(retired.errors).toBeUndefined();
    expect(retired.data).toEqual({ retireTariff: { id: first, retiredFrom: isoDate(m2), replacedBy: successor } });
    const reassign = await graphql.request(assign, { meter: meterId, tariff: first });
    expect([reassign.errors?.[0]?.extensions?.code, reassign.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'tariffId']);
    await waitFor('tariff rows applied', () => walApplied(pipeline.questdb, 'tariff_versions'), Boolean);
    await new Promise((r) => setTimeout(r, 2500));

    // Month 2: 127,000 → 137,500 L = 10.5 m³ at the successor's R$4.00 = R$42.00.
    await harness.send([reading(m3, 137_500)]);
    await tick(m3 + 4 * dayMs);
    const m2Id = `${meterId}/${isoDate(m2)}`;
    const rows = await waitFor('the month-2 final', invoices, (r) => r.some(([id]) => id === m2Id), 90_000, 500);
    expect(rows.find(([id]) => id === m2Id)).toEqual([m2Id, 'final', 10_500, 4200]);
    expect(await lineTariffs(m2Id)).toEqual([[successor, 10.5, 4200]]);
    const listed = await graphql.request<{ tariffs: Array<{ id: string; retiredFrom: string | null }> }>(`{ tariffs { id retiredFrom } }`);
    const mine = new Map(listed.data!.tariffs.map((t) => [t.id, t.retiredFrom]));
    expect([first, successor, 'sabesp-res-2017'].map((id) => mine.get(id))).toEqual([isoDate(m2), null, null]);
  }, 240_000);
});
