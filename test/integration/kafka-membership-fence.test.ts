import { sessionTimeoutMs, type FlushControl, type RawConsumer } from '../../core/kafka';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The fence a processor passes right before writing its state checkpoint
// (topology-runner.ts): a member the broker may have evicted must not write. Here the flush
// itself stalls past the session timeout, as a frozen process would (no heartbeat goes out
// while it runs), and must then be refused; a prompt flush of the same consumer is confirmed.
describe('Kafka consumer: confirming group membership before a fenced write', () => {
  let pipeline: TestPipeline;
  let consumer: RawConsumer | undefined;

  beforeAll(() => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await pipeline?.stopAll();
  });

  it('confirms a prompt flush, and refuses one that outlived the session timeout', async () => {
    const topic = { ...pipeline.topics.readings, name: `${pipeline.runId}.fence`, partitions: 1 };
    await pipeline.kafka.ensureTopics([topic]);
    const outcomes: string[] = [];
    let stallNextMs = 0;
    consumer = await pipeline.kafka.createConsumer({
      groupId: `${pipeline.runId}-fence`,
      topics: [topic.name],
      fromBeginning: true,
      handle: async () => undefined,
      flush: async (control: FlushControl) => {
        const stall = stallNextMs;
        stallNextMs = 0;
        await new Promise((r) => setTimeout(r, stall));
        try {
          await control.confirmMembership();
          outcomes.push(`confirmed after ${stall} ms`);
        } catch (error) {
          outcomes.push(`refused after ${stall} ms: ${(error as Error).message}`);
          throw error;
        }
      },
    });
    const producer = await pipeline.kafka.createProducer();
    await producer.sendBatch([{ topic: topic.name, key: 'm1', value: '{}' }]);
    await waitFor('the prompt flush', async () => outcomes.length, (n) => n >= 1, 60_000, 100);
    expect(outcomes[0]).toBe('confirmed after 0 ms');

    const stalled = sessionTimeoutMs + 5_000;
    stallNextMs = stalled;
    await producer.sendBatch([{ topic: topic.name, key: 'm1', value: '{}' }]);
    await waitFor('the stalled flush', async () => outcomes.length, (n) => n >= 2, 90_000, 200);
    expect(outcomes[1]).toMatch(new RegExp(`^refused after ${stalled} ms`));
    await producer.disconnect();
  }, 150_000);
});
