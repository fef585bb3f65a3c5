import type { MqttClient } from 'mqtt';
import { mqttTopics, type Command } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import type { MeterDevice } from '../../load-tests/simulator/meter-device';
import type { CommandLog } from '../../processors/command-log/command-log';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, fleetMqtt, startTestCommandLog, startTestDevice, type TestPipeline } from './support/test-services';
import { collectTopic, type TopicCollector } from './support/topic-collector';
import { waitFor } from './support/wait-for';

interface CommandResult {
  id: string;
  meterId: string;
  type: string;
  reason: string | null;
  note: string | null;
  issuedBy: string | null;
  state: string;
  stateReason: string | null;
  history: { state: string; source: string }[];
}

const commandFields = 'id meterId type reason note issuedBy state stateReason issuedAt expiresAt history { state at source reason }';
const blockMutation = `mutation ($meterId: ID!, $reason: BlockReason!, $note: String, $waitMs: Int, $key: String) {
  blockMeter(meterId: $meterId, reason: $reason, note: $note, waitMs: $waitMs, idempotencyKey: $key) { ${commandFields} }
}`;
const unblockMutation = `mutation ($meterId: ID!, $waitMs: Int, $key: String) {
  unblockMeter(meterId: $meterId, waitMs: $waitMs, idempotencyKey: $key) { ${commandFields} }
}`;
const statusQuery = `query ($meterId: ID!) { meterStatus(meterId: $meterId) { status reason note since commandId } }`;
const commandsQuery = `query ($meterId: ID!) { commands(meterId: $meterId, first: 10) { ${commandFields} } }`;
const commandQuery = `query ($id: ID!) { command(id: $id) { ${commandFields} } }`;

// The API's command path end to end: GraphQL → Kafka → bridge → MQTT → simulated firmware →
// ack → Kafka → live feed (mutation answer) and command log → QuestDB (history, status).
describe('GraphQL block/unblock commands', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let commandLog: CommandLog;
  let commandsTopic: TopicCollector<Command>;
  const devices: MeterDevice[] = [];

  const meterId = (suffix: string) => `${pipeline.runId}-${suffix}`;
  /** A simulated meter online with the reference firmware, known to the API by one reading. */
  const onlineMeter = async (suffix: string) => {
    const device = await startTestDevice(pipeline, meterId(suffix));
    devices.push(device);
    await device.publishReading(Date.now(), 3.5);
    await waitFor(`meter ${device.meterId} known to the API`, () => graphql.request(statusQuery, { meterId: device.meterId }), (r) => r.errors === undefined, 60_000, 250);
    return device;
  };
  const watchCommandTopic = async (id: string): Promise<{ client: MqttClient; received: string[] }> => {
    const fleet = fleetMqtt(pipeline);
    const received: string[] = [];
    const client = await connectMqtt({ ...fleet, clientId: `${pipeline.runId}-watch-${id}`, clean: true, setup: (c) => c.on('message', (_t, payload) => received.push(payload.toString())) });
    await client.subscribeAsync(mqttTopics.command(id), { qos: 1 });
    return { client, received };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge(); // creates the topics
    await pipeline.startSink();
    commandLog = await startTestCommandLog(pipeline);
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_COMMAND_TTL_S: '5', MF_GRAPHQL_MAX_WAIT_MS: '20000' });
    commandsTopic = await collectTopic(pipeline.kafka, pipeline.topics.commands.name, `${pipeline.runId}-commands-seen`);
  });

  afterAll(async () => {
    for (const d of devices) await d.close();
    await graphql?.stop();
    await commandsTopic?.stop();
    await commandLog?.stop();
    await pipeline?.stopAll();
  });

  it('block and unblock round trips: APPLIED with PENDING → DELIVERED → APPLIED, one signed command each, status in QuestDB', async () => {
    const device = await onlineMeter('rt');
    const blocked = await graphql.request<{ blockMeter: CommandResult }>(blockMutation, { meterId: device.meterId, reason: 'DEBT', note: 'invoice 42 overdue', waitMs: 15_000 });
    expect(blocked.errors).toBeUndefined();
    const block = blocked.data!.blockMeter;
    expect(block).toMatchObject({ meterId: device.meterId, type: 'BLOCK', reason: 'DEBT', note: 'invoice 42 overdue', issuedBy: 'admin', state: 'APPLIED', stateReason: null });
    expect(block.history.map((s) => [s.state, s.source])).toEqual([['PENDING', 'API'], ['DELIVERED', 'BRIDGE'], ['APPLIED', 'DEVICE']]);
    expect(device.received).toHaveLength(1);
    expect(device.acks).toEqual([expect.objectContaining({ commandId: block.id, status: 'applied' })]);
    expect(device.firmware.state.blocked).toBe(true);
    // The signed body is the command as issued: reason and note travel in params.
    const body = JSON.parse((JSON.parse(device.received[0]!.toString()) as { body: string }).body) as Command;
    expect(body).toMatchObject({ commandId: block.id, meterId: device.meterId, type: 'block', params: { reason: 'DEBT', note: 'invoice 42 overdue' }, issuedBy: 'admin' });

    const status = await waitFor('BLOCKED status', () => graphql.request<{ meterStatus: { status: string } }>(statusQuery, { meterId: device.meterId }), (r) => r.data?.meterStatus.status === 'BLOCKED', 30_000);
    expect(status.data!.meterStatus).toMatchObject({ status: 'BLOCKED', reason: 'DEBT', note: 'invoice 42 overdue', commandId: block.id });
    // The history comes from QuestDB too (the command log): a fresh API instance would see it.
    const stored = await waitFor('block in QuestDB', () => pipeline.questdb.query<{ state: string }>(`SELECT state FROM command_events WHERE command_id = $1`, [block.id]), (r) => r.rows.length === 2, 30_000);
    expect(stored.rows.map((r) => r.state).sort()).toEqual(['applied', 'delivered']);
    const listed = await graphql.request<{ commands: CommandResult[] }>(commandsQuery, { meterId: device.meterId });
    expect(listed.data!.commands.map((c) => [c.id, c.state, c.reason])).toEqual([[block.id, 'APPLIED', 'DEBT']]);

    const unblocked = await graphql.request<{ unblockMeter: CommandResult }>(unblockMutation, { meterId: device.meterId, waitMs: 15_000 });
    expect(unblocked.errors).toBeUndefined();
    expect(unblocked.data!.unblockMeter).toMatchObject({ type: 'UNBLOCK', reason: null, state: 'APPLIED' });
    expect(device.received).toHaveLength(2);
    expect(device.firmware.state.blocked).toBe(false);
    const active = await waitFor('ACTIVE status', () => graphql.request<{ meterStatus: { status: string } }>(statusQuery, { meterId: device.meterId }), (r) => r.data?.meterStatus.status === 'ACTIVE', 30_000);
    expect(active.data!.meterStatus).toMatchObject({ status: 'ACTIVE', reason: null, commandId: unblocked.data!.unblockMeter.id });
    const both = await graphql.request<{ commands: CommandResult[] }>(commandsQuery, { meterId: device.meterId });
    expect(both.data!.commands.map((c) => [c.type, c.state])).toEqual([['UNBLOCK', 'APPLIED'], ['BLOCK', 'APPLIED']]);

    // A second API instance, started afterwards, has nothing in memory: it answers from QuestDB alone.
    const fresh = await startTestGraphql(pipeline, { MF_GRAPHQL_COMMAND_TTL_S: '5' });
    try {
      const history = await waitFor('both commands in QuestDB', () => fresh.request<{ commands: CommandResult[] }>(commandsQuery, { meterId: device.meterId }), (r) => r.data?.commands.length === 2 && r.data.commands.every((c) => c.state === 'APPLIED'), 30_000);
      expect(history.data!.commands.map((c) => [c.id, c.type, c.reason, c.note, c.issuedBy, c.history.map((h) => h.state).join('>')])).toEqual([
        [unblocked.data!.unblockMeter.id, 'UNBLOCK', null, null, 'admin', 'PENDING>DELIVERED>APPLIED'],
        [block.id, 'BLOCK', 'DEBT', 'invoice 42 overdue', 'admin', 'PENDING>DELIVERED>APPLIED'],
      ]);
      const freshStatus = await fresh.request<{ meterStatus: { status: string; commandId: string } }>(statusQuery, { meterId: device.meterId });
      expect(freshStatus.data!.meterStatus).toMatchObject({ status: 'ACTIVE', commandId: unblocked.data!.unblockMeter.id });
    } finally {
      await fresh.stop();
    }
  });

  it('the same idempotencyKey twice is the same command, and the meter gets it once', async () => {
    const device = await onlineMeter('idem');
    const variables = { meterId: device.meterId, reason: 'LEAK', waitMs: 15_000, key: `${pipeline.runId}-leak-1` };
    const first = await graphql.request<{ blockMeter: CommandResult }>(blockMutation, variables);
    const second = await graphql.request<{ blockMeter: CommandResult }>(blockMutation, variables);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data!.blockMeter.id).toBe(first.data!.blockMeter.id);
    expect(second.data!.blockMeter.state).toBe('APPLIED');
    await sleep(2000); // a second command, had one gone out, would have arrived by now
    expect(device.received).toHaveLength(1);
    expect(commandsTopic.values.filter((c) => c.meterId === device.meterId)).toHaveLength(1);
  });

  it('a command for a meter that never comes back expires (TTL 5 s) and is reported EXPIRED', async () => {
    const device = await onlineMeter('gone');
    await device.goOffline(); // the broker keeps its session and queues the command until expiry
    const issued = await graphql.request<{ blockMeter: CommandResult }>(blockMutation, { meterId: device.meterId, reason: 'MANUAL', waitMs: 500 });
    expect(issued.errors).toBeUndefined();
    expect(['PENDING', 'DELIVERED']).toContain(issued.data!.blockMeter.state);
    const id = issued.data!.blockMeter.id;
    const expired = await waitFor('EXPIRED', () => graphql.request<{ command: CommandResult }>(commandQuery, { id }), (r) => r.data?.command?.state === 'EXPIRED', 30_000, 500);
    expect(expired.data!.command.history.map((s) => s.state)).toEqual(['PENDING', 'DELIVERED', 'EXPIRED']);
    expect(expired.data!.command.stateReason).toMatch(/before expiry/);
    const listed = await waitFor('EXPIRED in commands(meterId)', () => graphql.request<{ commands: CommandResult[] }>(commandsQuery, { meterId: device.meterId }), (r) => r.data?.commands.length === 1, 30_000);
    expect(listed.data!.commands[0]).toMatchObject({ id, state: 'EXPIRED' });
    const status = await graphql.request<{ meterStatus: { status: string } }>(statusQuery, { meterId: device.meterId });
    expect(status.data!.meterStatus.status).toBe('ACTIVE');
    expect(device.firmware.state.blocked).toBe(false);
  });

  it('analysts and customers may not block: FORBIDDEN, and nothing reaches Kafka or MQTT', async () => {
    const device = await onlineMeter('forbidden');
    await device.close();
    const watcher = await watchCommandTopic(device.meterId);
    try {
      for (const key of [graphql.keys.analyst, graphql.keys.customer1]) {
        const block = await graphql.request(blockMutation, { meterId: device.meterId, reason: 'DEBT', waitMs: 0 }, key);
        expect(block.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(block.data).toBeNull();
        const unblock = await graphql.request(unblockMutation, { meterId: device.meterId }, key);
        expect(unblock.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      await sleep(3000);
      expect(watcher.received).toEqual([]);
      expect(commandsTopic.values.filter((c) => c.meterId === device.meterId)).toEqual([]);
    } finally {
      await watcher.client.endAsync();
    }
  });

  it('bad input: waitMs over the limit, a malformed meter id, an unknown meter, an overlong note', async () => {
    const device = await onlineMeter('input');
    const tooLong = await graphql.request(blockMutation, { meterId: device.meterId, reason: 'DEBT', waitMs: 20_001 });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'waitMs' });
    const negative = await graphql.request(unblockMutation, { meterId: device.meterId, waitMs: -1 });
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'waitMs' });
    const malformed = await graphql.request(blockMutation, { meterId: 'no spaces allowed', reason: 'DEBT' });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'meterId' });
    const unknown = await graphql.request(blockMutation, { meterId: `${pipeline.runId}-nobody`, reason: 'DEBT' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'meterId' });
    const note = await graphql.request(blockMutation, { meterId: device.meterId, reason: 'DEBT', note: 'x'.repeat(501) });
    expect(note.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const badReason = await graphql.request(blockMutation, { meterId: device.meterId, reason: 'BECAUSE' });
    // GraphQL's own variable coercion refuses it, before any resolver runs.
    expect(badReason.errors?.[0]?.message).toMatch(/BECAUSE.*BlockReason/);
    await sleep(1000);
    expect(device.received).toEqual([]);
    expect(commandsTopic.values.filter((c) => c.meterId === device.meterId)).toEqual([]);
    const missing = await graphql.request<{ command: CommandResult | null }>(commandQuery, { id: 'cmd-does-not-exist' });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.command).toBeNull();
  });
});
