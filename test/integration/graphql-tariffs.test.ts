import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Tariffs managed at run time (docs/billing.md, "Tariffs at run time"), through the real API,
// processors and QuestDB. The processors and the API of this file share a billing configuration
// whose only tariff, the default, has a run-unique id (tariff_versions is read by every test of
// the stack: a version of a shared tariff would reprice other tests' bills), flat R$2.00/m³, so
// each amount is the consumption times the rate. While the processors run: a new version of it,
// effective in a month already billed, is billed as an adjustment; its retirement hands the meter
// to a successor published through the API.
//
// Event and receive times stay in the past: QuestDB's TTL (late_readings, dead_letters) drops
// partitions relative to the newest row, so a row stamped in the future would expire every other
// test's rows.
const at = (iso: string) => Date.parse(iso);

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
  let base: string;
  let successor: string;
  const received = Date.now() - 60_000;

  const reading = (iso: string, litres: number): Reading => waterReading(meterId, at(iso), { register: litres, receivedAt: received });
  const invoices = async () =>
    (
      await pipeline.questdb.query<{ invoice_id: string; status: string; consumption: number; total_cents: string | number }>(
        `SELECT invoice_id, status, consumption, total_cents FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted') ORDER BY invoice_id`,
        [meterId],
      )
    ).rows.map((r) => [r.invoice_id, r.status, r.consumption, Number(r.total_cents)]);
  const lineTariffs = async (invoiceId: string) =>
    (await pipeline.questdb.query<{ tariff_id: string; quantity: number; amount_cents: string | number }>(`SELECT tariff_id, quantity, amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = 'final'`, [invoiceId])).rows.map((r) => [r.tariff_id, r.quantity, Number(r.amount_cents)]);
  /** The processors read the catalog every second; the meter's next reading brings a change to its bills. */
  const synced = async () => {
    await waitFor('tariff and registry rows applied', async () => (await walApplied(pipeline.questdb, 'tariff_versions')) && walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    await new Promise((r) => setTimeout(r, 2500));
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    meterId = `${pipeline.runId}-w`;
    base = `${pipeline.runId}-base`;
    successor = `${pipeline.runId}-next`;
    const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'mf-tariffs-')), 'billing.json');
    writeFileSync(configFile, JSON.stringify({ tariffs: [flat(base, 2)], assignment: { default: base } }));
    graphql = await startTestGraphql(pipeline, { MF_BILLING_CONFIG_FILE: configFile });
    const registered = await graphql.request(`mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water }) { id } }`, { id: meterId });
    expect(registered.errors).toBeUndefined();
    harness = await startTestProcessors(pipeline, { MF_BILLING_CONFIG_FILE: configFile, MF_BILLING_TIME_ZONE: 'UTC', MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('refuses bad tariffs and assignments with the field at fault, and non-admins', async () => {
    const fresh = `${pipeline.runId}-new`;
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ tariff: flat(fresh, 2, { blocks: [{ upTo: 10, rate: 1 }, { upTo: 5, rate: 2 }, { upTo: null, rate: 3 }] }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.blocks[1].upTo'],
      [{ tariff: flat(fresh, 2, { currency: 'R$' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.currency'],
      [{ tariff: flat(fresh, 2, { unit: 'furlong' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.unit'],
      [{ tariff: flat(fresh, 2, { tou: { periods: [] } }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.tou.periods'],
      [{ tariff: flat(fresh, 2), from: '2026-02-30' }, 'BAD_USER_INPUT', 'effectiveFrom'],
      [{ tariff: flat(fresh, 2), from: 'tomorrow' }, 'BAD_USER_INPUT', 'effectiveFrom'],
      // A version of the configured tariff in kWh or USD would leave its water meters unpriceable or mixed: refused before anything is written.
      [{ tariff: flat(base, 2, { unit: 'kWh' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.unit'],
      [{ tariff: flat(base, 2, { currency: 'USD' }), from: '2026-01-01' }, 'BAD_USER_INPUT', 'tariff.currency'],
    ];
    for (const [variables, code, field] of bad) {
      const response = await graphql.request(publish, variables);
      expect([field, response.errors?.[0]?.extensions?.code, response.errors?.[0]?.extensions?.field]).toEqual([field, code, field]);
      expect(response.errors?.[0]?.message).not.toMatch(/\n\s+at /);
    }
    const analyst = await graphql.request(publish, { tariff: flat(fresh, 2), from: '2026-01-01' }, graphql.keys.analyst);
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
    const configured = await graphql.request<{ tariff: unknown }>(`query ($id: ID!) { tariff(id: $id) { source meterKinds versions { version effectiveFrom } } }`, { id: base });
    expect(configured.data!.tariff).toEqual({ source: 'CONFIGURED', meterKinds: ['water', 'gas'], versions: [{ version: 0, effectiveFrom: '0000-01-01' }] });
    expect((await graphql.request<{ tariff: unknown }>(`query ($id: ID!) { tariff(id: $id) { id } }`, { id: fresh })).data!.tariff).toBeNull();
    const { rows: audit } = await pipeline.questdb.query<{ outcome: string }>(`SELECT outcome FROM audit_log WHERE target = $1 AND operation = 'publishTariff'`, [fresh]);
    expect(audit.filter((a) => a.outcome === 'error').length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('reprices a month already billed when a version effective in it is published, as an adjustment, without a restart', async () => {
    // June 2017: 100,000 → 127,000 L = 27 m³ at R$2.00 = R$54.00.
    await harness.send([reading('2017-06-01T00:00:00Z', 100_000), reading('2017-07-01T00:00:00Z', 127_000)]);
    await harness.closeThrough(at('2017-07-10T00:00:00Z'));
    const june = `${meterId}/2017-06-01`;
    expect(await waitFor('the June final', invoices, (r) => r.length > 0, 90_000, 500)).toEqual([[june, 'final', 27_000, 5400]]);
    expect(await lineTariffs(june)).toEqual([[base, 27, 5400]]);

    // A corrected price from 1 June: R$3.00. June again = 27 × 3.00 = 81.00, billed as +27.00.
    const corrected = await graphql.request<{ publishTariff: unknown }>(publish, { tariff: flat(base, 3), from: '2017-06-01', note: 'price correction' });
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data!.publishTariff).toEqual({
      id: base,
      source: 'CONFIGURED',
      currency: 'BRL',
      unit: 'm3',
      meterKinds: ['water', 'gas'],
      versions: [
        { version: 0, effectiveFrom: '0000-01-01', publishedBy: null, note: null },
        { version: 1, effectiveFrom: '2017-06-01', publishedBy: 'admin', note: 'price correction' },
      ],
      retiredFrom: null,
      replacedBy: null,
    });
    // The same version again adds nothing.
    const again = await graphql.request<{ publishTariff: { versions: unknown[] } }>(publish, { tariff: flat(base, 3), from: '2017-06-01', note: 'price correction' });
    expect(again.data!.publishTariff.versions).toHaveLength(2);
    await synced();
    await harness.send([reading('2017-07-02T00:00:00Z', 127_500)]);
    await harness.closeThrough(at('2017-07-11T00:00:00Z'));
    const rows = await waitFor('the adjustment', invoices, (r) => r.length > 1, 90_000, 500);
    expect(rows).toEqual([[june, 'final', 27_000, 5400], [`${june}/adj-1`, 'adjusted', 0, 2700]]);
  }, 240_000);

  it('retires a tariff: refused while the configuration uses it without a successor; with one, the meter is billed by it', async () => {
    const refused = await graphql.request(retire, { id: base, from: '2017-07-01' });
    expect([refused.errors?.[0]?.extensions?.code, refused.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'replacedBy']);
    expect(refused.errors?.[0]?.message).toContain('the configuration\'s default');
    expect((await graphql.request(publish, { tariff: flat(successor, 4), from: '2000-01-01' })).errors).toBeUndefined();
    const usd = await graphql.request(publish, { tariff: flat(`${pipeline.runId}-usd`, 4, { currency: 'USD' }), from: '2000-01-01' });
    expect(usd.errors).toBeUndefined();
    const wrongCurrency = await graphql.request(retire, { id: base, from: '2017-07-01', by: `${pipeline.runId}-usd` });
    expect([wrongCurrency.errors?.[0]?.extensions?.code, wrongCurrency.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'replacedBy']);
    const retired = await graphql.request(retire, { id: base, from: '2017-07-01', by: successor });
    expect(retired.errors).toBeUndefined();
    expect(retired.data).toEqual({ retireTariff: { id: base, retiredFrom: '2017-07-01', replacedBy: successor } });
    const again = await graphql.request(retire, { id: base, from: '2017-08-01', by: successor });
    expect([again.errors?.[0]?.extensions?.code, again.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'tariffId']);
    const reassign = await graphql.request(assign, { meter: meterId, tariff: base });
    expect([reassign.errors?.[0]?.extensions?.code, reassign.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'tariffId']);
    await synced();

    // July: 127,000 → 137,500 L = 10.5 m³ at the successor's R$4.00 = R$42.00; June is unchanged.
    await harness.send([reading('2017-08-01T00:00:00Z', 137_500)]);
    // The meter's reading came after the last ticks (received a day ahead), so it counts as seen
    // then: these ticks are received a day later still, so the meter is idle and July closes.
    const later = Date.now() + 2 * 86_400_000;
    await harness.send(Array.from({ length: 60 }, (_, k) => waterReading(`${pipeline.runId}-tick-${k}`, at('2017-08-10T00:00:00Z'), { value: 0, receivedAt: later })));
    const july = `${meterId}/2017-07-01`;
    const rows = await waitFor('the July final', invoices, (r) => r.some(([id]) => id === july), 90_000, 500);
    expect(rows).toEqual([[`${meterId}/2017-06-01`, 'final', 27_000, 5400], [`${meterId}/2017-06-01/adj-1`, 'adjusted', 0, 2700], [july, 'final', 10_500, 4200]]);
    expect(await lineTariffs(july)).toEqual([[successor, 10.5, 4200]]);
    const listed = await graphql.request<{ tariffs: Array<{ id: string; retiredFrom: string | null }> }>(`{ tariffs { id retiredFrom } }`);
    const mine = new Map(listed.data!.tariffs.map((t) => [t.id, t.retiredFrom]));
    expect([base, successor].map((id) => mine.get(id))).toEqual(['2017-07-01', null]);
  }, 240_000);
});
