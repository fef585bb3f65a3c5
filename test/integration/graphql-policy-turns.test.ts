import { policyClaimsTopic } from '../../graphql/policies/policy-turns';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The auto-block policies run once per deployment, not once per replica.
describe('auto-block policies with two GraphQL replicas', () => {
  let pipeline: TestPipeline;
  let first: GraphqlHarness;
  let second: GraphqlHarness;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    // The overconsumption policy only: what the debt policy finds depends on every unpaid invoice
    // other test files left in the shared tables (hundreds of a year of imported history), and an
    // evaluation longer than the 1 s interval skips slots, which is not what this test is about.
    const env = { MF_POLICY_DEBT_BLOCK_DAYS: '0', MF_POLICY_OVERCONSUMPTION_BLOCK: 'true', MF_POLICY_INTERVAL_MS: '1000' };
    [first, second] = await Promise.all([startTestGraphql(pipeline, env), startTestGraphql(pipeline, env)]);
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await pipeline?.kafka.deleteTopics([policyClaimsTopic(pipeline.topics).name]).catch(() => undefined);
    await pipeline?.stopAll();
  });

  it('evaluates each interval on exactly one replica', async () => {
    const slots = () => [...first.server.policies.ranSlots, ...second.server.policies.ranSlots];
    await waitFor('four intervals evaluated', async () => slots().length, (n) => n >= 4, 30_000, 100);
    // Both replicas' timers fired every interval; together they ran each slot once.
    const all = slots();
    expect(new Set(all).size).toBe(all.length);
    const [a, b] = [first.server.policies.ranSlots, second.server.policies.ranSlots];
    expect(a.filter((slot) => b.includes(slot))).toEqual([]);
    // Consecutive slots are covered (no interval skipped while both replicas are up).
    const sorted = [...all].sort((x, y) => x - y);
    expect(sorted.at(-1)! - sorted[0]! + 1).toBeLessThanOrEqual(sorted.length + 1);
  });
});
