import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A commands row without expires_at (written by hand, or by another tool on a shared stack) made
// every meter's status a TypeError: `meters { status }` failed for all meters. Such a row is now
// skipped; a readable block beside it still counts.
describe('command rows without an expiry', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    graphql = await startTestGraphql(pipeline);
    for (const meter of ['odd', 'blocked']) {
      const registered = await graphql.request(`mutation ($id: ID!) { registerMeter(meterId: $id, input: { kind: water, customerId: "c", timeZone: "UTC" }) { id } }`, { id: id(meter) });
      expect(registered.errors).toBeUndefined();
    }
    const command = `INSERT INTO commands (ts, command_id, meter_id, type, reason, note, issued_by, expires_at) VALUES ('2026-11-01T00:00:00.000000Z', $1, $2, 'block', 'DEBT', 'n', 'test', $3)`;
    const applied = `INSERT INTO command_events (ts, command_id, meter_id, state, source, reason) VALUES ('2026-11-01T00:00:01.000000Z', $1, $2, 'applied', 'device', 'ok')`;
    await pipeline.questdb.query(command, [id('odd-cmd'), id('odd'), null]);
    await pipeline.questdb.query(applied, [id('odd-cmd'), id('odd')]);
    await pipeline.questdb.query(command, [id('blocked-cmd'), id('blocked'), '2026-11-01T01:00:00.000000Z']);
    await pipeline.questdb.query(applied, [id('blocked-cmd'), id('blocked')]);
    for (const table of ['commands', 'command_events', 'meter_registry']) await waitFor(`${table} applied`, () => walApplied(pipeline.questdb, table), Boolean, 30_000);
  }, 60_000);

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('answers the meters statuses: the unreadable block is skipped, the readable one holds', async () => {
    const answer = await graphql.request<{ odd: { status: { status: string } }; blocked: { status: { status: string } } }>(
      `query ($a: ID!, $b: ID!) { odd: meter(id: $a) { status { status } } blocked: meter(id: $b) { status { status } } }`,
      { a: id('odd'), b: id('blocked') },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ odd: { status: { status: 'ACTIVE' } }, blocked: { status: { status: 'BLOCKED' } } });
  });
});
