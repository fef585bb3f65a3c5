import type { Command } from '../../core/contracts';
import type { MeterDevice } from '../../load-tests/simulator/meter-device';
import type { CommandLog } from '../../processors/command-log/command-log';
import { killChild, sleep, startServiceChild, type ServiceChild } from './support/fault-injection';
import { createTestPipeline, startTestCommandLog, startTestDevice, type TestPipeline } from './support/test-services';
import { collectTopic, type TopicCollector } from './support/topic-collector';
import { waitFor } from './support/wait-for';

interface CommandResult {
  id: string;
  meterId: string;
  type: string;
  state: string;
}
const blockMutation = `mutation ($meterId: ID!, $waitMs: Int, $key: String) {
  blockMeter(meterId: $meterId, reason: DEBT, waitMs: $waitMs, idempotencyKey: $key) { id meterId type state }
}`;
const statusQuery = `query ($meterId: ID!) { meterStatus(meterId: $meterId) { status commandId } }`;
const commandQuery = `query ($id: ID!) { command(id: $id) { id meterId type state } }`;

// kill -9 of the GraphQL API in the middle of a blockMeter (after the command reached Kafka,
// before the answer): a client retrying with the same idempotency key on the restarted API
// gets the same command, the meter receives it once, and the state reads right afterwards.
describe('fault: GraphQL API killed with SIGKILL during blockMeter', () => {
  let pipeline: TestPipeline;
  let api: ServiceChild | null = null;
  let commandLog: CommandLog;
  let commandsTopic: TopicCollector<Command>;
  let device: MeterDevice | null = null;
  const adminKey = 'fault-admin-key-0123456789';

  const startApi = async (port?: number) =>
    startServiceChild('graphql', pipeline, { MF_GRAPHQL_API_KEYS: `admin:admin=${adminKey}`, MF_GRAPHQL_METER_CACHE_MS: '0', MF_GRAPHQL_CACHE_TTL_MS: '0', MF_GRAPHQL_MAX_WAIT_MS: '30000' }, port);
  const request = async <T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string }[] }> => {
    const response = await fetch(`${api!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `ApiKey ${adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string }[] };
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    await pipeline.startSink();
    commandLog = await startTestCommandLog(pipeline);
    commandsTopic = await collectTopic(pipeline.kafka, pipeline.topics.commands.name, `${pipeline.runId}-commands-seen`);
  });

  afterAll(async () => {
    await device?.close();
    await api?.child.stop();
    await commandsTopic?.stop();
    await commandLog?.stop();
    await pipeline?.stopAll();
  });

  it('issues the command once per idempotency key, and the retry on the restarted API returns it with the right state', async () => {
    api = await startApi();
    const meterId = `${pipeline.runId}-meter`;
    device = await startTestDevice(pipeline, meterId);
    await device.goOffline(); // the command waits at the broker: the mutation is still waiting when the API dies
    await waitFor('meter known to the API', async () => {
      await device!.goOnline();
      await device!.publishReading(Date.now(), 3.5);
      await device!.goOffline();
      return request(statusQuery, { meterId });
    }, (r) => r.errors === undefined, 60_000, 1000);

    const key = `${pipeline.runId}-block-1`;
    const first = request<{ blockMeter: CommandResult }>(blockMutation, { meterId, waitMs: 30_000, key }).catch((error: Error) => ({ failed: error.message }));
    await waitFor('the command on the commands topic', async () => commandsTopic.values.filter((c) => c.meterId === meterId).length, (n) => n >= 1, 30_000, 20);
    await killChild(api);
    expect(await first).toHaveProperty('failed'); // the client never got an answer

    api = await startApi(api.port);
    await device.goOnline();
    const retried = await request<{ blockMeter: CommandResult }>(blockMutation, { meterId, waitMs: 20_000, key });
    expect(retried.errors).toBeUndefined();
    const issued = commandsTopic.values.filter((c) => c.meterId === meterId);
    expect(retried.data!.blockMeter).toMatchObject({ id: issued[0]!.commandId, meterId, type: 'BLOCK', state: 'APPLIED' });

    await sleep(3_000); // room for a second delivery, if there were one
    // At most once per key: one record on the commands topic, one delivery to the meter.
    expect(commandsTopic.values.filter((c) => c.meterId === meterId).map((c) => c.commandId)).toEqual([issued[0]!.commandId]);
    expect(device.received).toHaveLength(1);
    expect(device.acks).toEqual([expect.objectContaining({ commandId: issued[0]!.commandId, status: 'applied' })]);
    expect(device.firmware.state.blocked).toBe(true);

    // The state after the restart: the command and the meter's status, from QuestDB.
    expect((await request<{ command: CommandResult }>(commandQuery, { id: issued[0]!.commandId })).data!.command).toMatchObject({ state: 'APPLIED', type: 'BLOCK' });
    const status = await waitFor('BLOCKED status', () => request<{ meterStatus: { status: string; commandId: string } }>(statusQuery, { meterId }), (r) => r.data?.meterStatus.status === 'BLOCKED', 30_000);
    expect(status.data!.meterStatus.commandId).toBe(issued[0]!.commandId);
    // A third attempt with the key (same arguments) is still the same command, not a new one.
    const again = await request<{ blockMeter: CommandResult }>(blockMutation, { meterId, waitMs: 20_000, key });
    expect(again.errors).toBeUndefined();
    expect(again.data!.blockMeter).toMatchObject({ id: issued[0]!.commandId, state: 'APPLIED' });
    await sleep(1_000);
    expect(commandsTopic.values.filter((c) => c.meterId === meterId)).toHaveLength(1);
  }, 180_000);
});
