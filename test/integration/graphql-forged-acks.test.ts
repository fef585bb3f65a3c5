import { randomUUID } from 'node:crypto';
import { mqttTopics, type CommandEvent } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { collectTopic, type TopicCollector } from './support/topic-collector';
import { createTestPipeline, fleetMqtt, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A device's ack only ever touches its own meter's commands. Meter B answers
// for meter A's command (and floods acks with random ids); A's command keeps its state.
describe('forged command acks', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let events: TopicCollector<CommandEvent>;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_COMMAND_TTL_S: '600' });
    events = await collectTopic(pipeline.kafka, pipeline.topics.commandAcks.name, `${pipeline.runId}-events`);
  });

  afterAll(async () => {
    await events?.stop();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it("ignores another meter's acks for a command and a flood of random ids", async () => {
    const victim = id('victim');
    const attacker = id('attacker');
    for (const meterId of [victim, attacker]) {
      const r = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, { id: meterId, input: { kind: 'water', customerId: graphql.customerIds.c1 } });
      expect(r.errors).toBeUndefined();
    }
    // The victim is offline: its block stays DELIVERED (held by the broker) until it answers.
    const blocked = await graphql.request<{ blockMeter: { id: string; state: string } }>(`mutation ($m: ID!) { blockMeter(meterId: $m, reason: DEBT, waitMs: 0) { id state } }`, { m: victim });
    expect(blocked.errors).toBeUndefined();
    const commandId = blocked.data!.blockMeter.id;
    await waitFor('delivered', async () => events.values.filter((e) => e.commandId === commandId && e.state === 'delivered'), (l) => l.length === 1, 30_000, 50);

    const fleet = fleetMqtt(pipeline);
    const client = await connectMqtt({ ...fleet, clientId: `${pipeline.runId}-forger`, clean: true });
    try {
      const ack = (body: object) => client.publishAsync(mqttTopics.commandAck(attacker), JSON.stringify(body), { qos: 1 });
      await ack({ commandId, status: 'applied', at: Date.now() });
      await ack({ commandId, status: 'rejected', reason: 'replayed', at: Date.now() + 1 });
      for (let i = 0; i < 200; i++) await ack({ commandId: `forged-${randomUUID()}`, status: 'applied', at: Date.now() });
    } finally {
      await client.endAsync();
    }
    // The bridge relayed them (as the attacker's), and the API has consumed them.
    await waitFor('the forged acks in Kafka', async () => events.values.filter((e) => e.meterId === attacker).length, (n) => n >= 202, 30_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the live feed's consumer and the reorder window

    const view = await graphql.request<{ command: { state: string; meterId: string } }>(`query ($id: ID!) { command(id: $id) { state meterId } }`, { id: commandId });
    expect(view.data!.command).toEqual({ state: 'DELIVERED', meterId: victim });
    const status = await graphql.request<{ meterStatus: { status: string } }>(`query ($m: ID!) { meterStatus(meterId: $m) { status } }`, { m: victim });
    expect(status.data!.meterStatus.status).toBe('ACTIVE');
  });
});
