import { join } from 'node:path';
import { runUrdbTariffCli } from '../../core/tariffs/urdb-tariff-cli';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// `npm run tariff:urdb -- --publish` against the real GraphQL server (QuestDB tariff_versions
// behind it): the command converts the URDB fixture, publishes it as the harness's admin, and the
// tariff query shows what was stored. The tariff id is the run's own (tariff_versions is shared).
const fixture = join(__dirname, '../fixtures/billing/urdb-residential-tou.json');
const tariffQuery = `query ($id: ID!) { tariff(id: $id) { id currency unit meterKinds source versions { version effectiveFrom } } }`;

interface TariffView {
  id: string;
  currency: string;
  unit: string;
  meterKinds: string[];
  source: string;
  versions: { version: number; effectiveFrom: string }[];
}

describe('npm run tariff:urdb -- --publish, against the real GraphQL API', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let tariffId: string;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    graphql = await startTestGraphql(pipeline);
    tariffId = `${pipeline.runId}-urdb`;
  }, 120_000);

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  /** Runs the command in process, as the harness's admin, against the harness's server. */
  const publish = async (effectiveFrom: string) => {
    let stdout = '';
    let stderr = '';
    const argv = ['--id', tariffId, '--period-names', 'off-peak,summer-peak,winter-peak', '--publish', '--effective-from', effectiveFrom, '--graphql-url', graphql.url, '--api-key', graphql.keys.admin, fixture];
    const code = await runUrdbTariffCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
    return { code, stdout, stderr };
  };

  /** Rows of the run's tariff in QuestDB, once every committed write is applied. */
  const rows = async () => {
    await waitFor('WAL applied on tariff_versions', () => walApplied(pipeline.questdb, 'tariff_versions'), Boolean);
    const { rows: found } = await pipeline.questdb.query<{ effective_from: string }>(`SELECT effective_from FROM tariff_versions WHERE tariff_id = $1 ORDER BY ts`, [tariffId]);
    return found.map((r) => r.effective_from);
  };

  const stored = async () => {
    const response = await graphql.request<{ tariff: TariffView | null }>(tariffQuery, { id: tariffId });
    expect(response.errors).toBeUndefined();
    return response.data!.tariff;
  };

  it('publishes the converted tariff as version 1, and publishing the same again adds nothing', async () => {
    expect(await stored()).toBeNull();

    const first = await publish('2026-01-01');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`tariff ${tariffId} (source API), versions:\n  version 1 effective from 2026-01-01\n`);
    // The URDB fields it does not apply, listed whether or not it publishes.
    expect(first.stderr).toContain('not applied: TOU demand charges (demandratestructure)');
    expect(first.stderr).toContain('not applied: minimum charge (mincharge)');
    const expected: TariffView = { id: tariffId, currency: 'USD', unit: 'kWh', meterKinds: ['electricity'], source: 'API', versions: [{ version: 1, effectiveFrom: '2026-01-01' }] };
    expect(await stored()).toEqual(expected);
    // Stored, so the next publication is compared with what QuestDB holds.
    expect(await rows()).toEqual(['2026-01-01']);

    const again = await publish('2026-01-01');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(await stored()).toEqual(expected);
    expect(await rows()).toEqual(['2026-01-01']);
  });

  it('a second publication from 2026-06-01 is version 2', async () => {
    const second = await publish('2026-06-01');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`tariff ${tariffId} (source API), versions:\n  version 1 effective from 2026-01-01\n  version 2 effective from 2026-06-01\n`);
    expect((await stored())!.versions).toEqual([
      { version: 1, effectiveFrom: '2026-01-01' },
      { version: 2, effectiveFrom: '2026-06-01' },
    ]);
    expect(await rows()).toEqual(['2026-01-01', '2026-06-01']);
  });

  it('a refusal by the API exits 1 naming the field; an analyst key is refused (FORBIDDEN)', async () => {
    // A date the command accepts (a calendar date) but the API refuses (before 1970).
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
    const refused = await runUrdbTariffCli(['--id', tariffId, '--publish', '--effective-from', '1969-12-31', '--graphql-url', graphql.url, '--api-key', graphql.keys.admin, fixture], io);
    expect(refused).toBe(1);
    expect(stderr).toMatch(/^error: effectiveFrom: "1969-12-31" must be a YYYY-MM-DD calendar date between 1970 and 2999$/m);

    stderr = '';
    const analyst = await runUrdbTariffCli(['--id', tariffId, '--publish', '--effective-from', '2026-09-01', '--graphql-url', graphql.url, '--api-key', graphql.keys.analyst, fixture], io);
    expect(analyst).toBe(1);
    expect(stderr).toMatch(/^error: .*\(FORBIDDEN\)$/m);
    expect((await stored())!.versions).toHaveLength(2);
    expect(await rows()).toEqual(['2026-01-01', '2026-06-01']);
  });
});
