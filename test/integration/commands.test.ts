import { randomUUID } from 'node:crypto';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { mqttTopics, type Command, type CommandEvent, type DeadLetter } from '../../core/contracts';
import type { RawProducer } from '../../core/kafka';
import { signCommand, type SignedCommandEnvelope } from '../../core/security/command-signing';
import { deriveMeterSecret } from '../../core/security/meter-secrets';
import { meterMqttPassword, provisionMeterAccounts, revokeMeterAccounts } from '../../deploy/stack/meter-accounts';
import { loadStackOptions } from '../../deploy/stack/stack-options';
import { createMeterDevice, type MeterDevice } from '../../load-tests/simulator/meter-device';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { collectTopic, type TopicCollector } from './support/topic-collector';
import { createTestPipeline, fleetMqtt, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Commands go Kafka → bridge → MQTT signed per meter; devices verify and answer; answers
// come back to Kafka. The device side is the reference firmware of the simulator.
describe('commands to meters', () => {
  let pipeline: TestPipeline;
  let producer: RawProducer;
  let events: TopicCollector<CommandEvent>;
  let deadLetters: TopicCollector<DeadLetter>;
  const devices: MeterDevice[] = [];
  let masterKey: string;

  const suffixes = ['block', 'a', 'b', 'expiry', 'offline', 'moved'];
  const meter = async (suffix: string) => {
    const meterId = `${pipeline.runId}-${suffix}`;
    // Each meter logs in with its own account, whose ACL lets it read only its own command topic.
    const device = await createMeterDevice({ url: pipeline.config.string('MF_MQTT_URL'), meterId, username: meterId, password: meterMqttPassword(masterKey, meterId), masterKey });
    devices.push(device);
    return device;
  };
  const command = (meterId: string, type: Command['type'], extra: Partial<Command> = {}): Command => ({
    commandId: randomUUID(),
    meterId,
    type,
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    issuedBy: 'test-admin',
    ...extra,
  });
  const send = (...commands: (Command | string)[]) =>
    producer.sendBatch(
      commands.map((c) => ({ topic: pipeline.topics.commands.name, key: typeof c === 'string' ? 'garbage' : c.meterId, value: typeof c === 'string' ? c : JSON.stringify(c) })),
    );
  const statesOf = (commandId: string) => events.values.filter((e) => e.commandId === commandId);
  const waitForState = (commandId: string, state: CommandEvent['state']) =>
    waitFor(`${state} event of ${commandId}`, async () => statesOf(commandId), (list) => list.some((e) => e.state === state), 30_000, 50).then((list) => list.find((e) => e.state === state)!);
  /** Publishes raw bytes on a meter's command topic, as an attacker with broker access could. */
  const inject = async (meterId: string, payload: string) => {
    const client = await connectMqtt({ url: pipeline.config.string('MF_MQTT_URL'), username: pipeline.config.string('MF_MQTT_USERNAME'), password: pipeline.config.string('MF_MQTT_PASSWORD'), clientId: `${pipeline.runId}-attacker-${randomUUID().slice(0, 6)}`, clean: true });
    await client.publishAsync(mqttTopics.command(meterId), payload, { qos: 1 });
    await client.endAsync();
  };
  const deviceAnswer = (device: MeterDevice, count: number) => waitFor(`${device.meterId} to answer ${count} commands`, async () => device.acks.length, (n) => n >= count, 30_000, 50);

  beforeAll(async () => {
    pipeline = createTestPipeline();
    masterKey = pipeline.config.string('MF_METER_MASTER_KEY');
    await provisionMeterAccounts(loadStackOptions(), suffixes.map((s) => `${pipeline.runId}-${s}`), masterKey);
    await pipeline.startBridge(); // creates the topics
    producer = await pipeline.kafka.createProducer();
    events = await collectTopic(pipeline.kafka, pipeline.topics.commandAcks.name, `${pipeline.runId}-events`);
    deadLetters = await collectTopic(pipeline.kafka, pipeline.topics.deadLetters.name, `${pipeline.runId}-dlq`);
  });

  afterAll(async () => {
    for (const d of devices) await d.close();
    // Leave the shared stack's password file as it was.
    if (masterKey) await revokeMeterAccounts(loadStackOptions(), suffixes.map((s) => `${pipeline.runId}-${s}`), masterKey);
    await events?.stop();
    await deadLetters?.stop();
    await producer?.disconnect();
    await pipeline?.stopAll();
  });

  it('block: the meter gets a valid signed command, applies it, and its ack reaches Kafka', async () => {
    const device = await meter('block');
    const block = command(device.meterId, 'block');
    await send(block);
    const applied = await waitForState(block.commandId, 'applied');
    expect(applied).toMatchObject({ meterId: device.meterId, source: 'device' });
    const delivered = statesOf(block.commandId).find((e) => e.state === 'delivered');
    expect(delivered).toMatchObject({ source: 'bridge', meterId: device.meterId });
    expect(applied.seq).toBe(delivered!.seq);
    expect(device.firmware.state.blocked).toBe(true);

    // The envelope on the wire carries the command as sent and verifies with the meter's secret.
    const envelope = JSON.parse(device.received[0]!.toString()) as SignedCommandEnvelope;
    expect(JSON.parse(envelope.body)).toEqual(block);
    const secret = deriveMeterSecret(masterKey, device.meterId, 'command-signing');
    expect(signCommand(secret, mqttTopics.command(device.meterId), envelope.seq, envelope.body).sig).toBe(envelope.sig);

    const unblock = command(device.meterId, 'unblock');
    await send(unblock);
    await waitForState(unblock.commandId, 'applied');
    expect(device.firmware.state.blocked).toBe(false);
  });

  it('tampered, replayed, expired and misaddressed commands are refused by the device, and the refusals reach Kafka', async () => {
    const a = await meter('a');
    const b = await meter('b');
    const block = command(a.meterId, 'block');
    await send(block);
    await waitForState(block.commandId, 'applied');
    // Built after the block was applied: these test commands carry no seq, so the relay derives it
    // from issuedAt (commandSeqOf), and two built in the same millisecond would be ordered by hash.
    const unblock = command(a.meterId, 'unblock');
    await send(unblock);
    await waitForState(unblock.commandId, 'applied');
    const [blockWire, unblockWire] = a.received.map((p) => JSON.parse(p.toString()) as SignedCommandEnvelope);
    const answered = a.acks.length;

    // Tampered: the body of a genuine envelope changed, signature kept.
    const tampered = { ...blockWire!, seq: blockWire!.seq + 1000, body: blockWire!.body.replace('"block"', '"unblock"') };
    await inject(a.meterId, JSON.stringify(tampered));
    // Replayed: the genuine block envelope, captured earlier, sent again after the unblock.
    await inject(a.meterId, JSON.stringify(blockWire));
    // Expired: correctly signed with a fresh sequence number, but past its expiry.
    const stale = command(a.meterId, 'block', { issuedAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const secretA = deriveMeterSecret(masterKey, a.meterId, 'command-signing');
    await inject(a.meterId, JSON.stringify(signCommand(secretA, mqttTopics.command(a.meterId), unblockWire!.seq + 2000, JSON.stringify(stale))));
    // Misaddressed: a genuine command for A copied onto B's topic.
    await inject(b.meterId, JSON.stringify(blockWire));

    await deviceAnswer(a, answered + 3);
    await deviceAnswer(b, 1);
    expect(a.acks.slice(answered).map((ack) => ack.reason)).toEqual(['bad-signature', 'replayed', 'expired']);
    expect(b.acks.map((ack) => ack.reason)).toEqual(['misaddressed']);
    expect(a.firmware.state.blocked).toBe(false); // none of them took effect
    expect(b.firmware.state.blocked).toBe(false);

    // The refusals are in Kafka as command events from the devices.
    const refusal = (meterId: string, reason: string) =>
      waitFor(`${reason} refusal from ${meterId}`, async () => events.values.filter((e) => e.meterId === meterId && e.state === 'rejected' && e.reason === reason), (l) => l.length === 1, 30_000, 50);
    await refusal(a.meterId, 'bad-signature');
    await refusal(a.meterId, 'replayed');
    await refusal(a.meterId, 'expired');
    await refusal(b.meterId, 'misaddressed');
  });

  it('a command already expired in Kafka is not delivered; an invalid one is dead-lettered and the relay goes on', async () => {
    const device = await meter('expiry');
    const expired = command(device.meterId, 'block', { issuedAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: new Date(Date.now() - 1000).toISOString() });
    const good = command(device.meterId, 'request-reading');
    await send(expired, '{"commandId": "x", "type": "self-destruct"', good);
    expect(await waitForState(expired.commandId, 'expired')).toMatchObject({ source: 'bridge', reason: 'expired before delivery' });
    await waitForState(good.commandId, 'applied');
    expect(device.received).toHaveLength(1); // only the good one reached the meter
    expect(device.firmware.state.blocked).toBe(false);
    const letters = await waitFor('dead letter of the invalid command', async () => deadLetters.values.filter((l) => l.mqttTopic === `kafka:${pipeline.topics.commands.name}`), (l) => l.length === 1, 30_000, 50);
    expect(letters[0]).toMatchObject({ reason: 'MALFORMED_JSON' });
  });

  // The replay counter is not the Kafka offset, which starts again at 0 on a
  // recreated, repartitioned or re-prefixed topic and would make the meter refuse every command.
  it('a meter keeps accepting commands after the commands topic is replaced (re-prefixed: offsets start again at 0)', async () => {
    const device = await meter('moved');
    for (const type of ['block', 'unblock', 'request-reading'] as const) {
      const c = command(device.meterId, type);
      await send(c);
      await waitForState(c.commandId, 'applied');
    }
    const before = device.firmware.state.lastSeq;
    // A second deployment of the same fleet with other topic names, fresh at offset 0.
    const moved = createTestPipeline();
    try {
      await moved.startBridge();
      const movedProducer = await moved.kafka.createProducer();
      const movedEvents = await collectTopic<CommandEvent>(moved.kafka, moved.topics.commandAcks.name, `${moved.runId}-events`);
      try {
        const block = command(device.meterId, 'block');
        await movedProducer.sendBatch([{ topic: moved.topics.commands.name, key: device.meterId, value: JSON.stringify(block) }]);
        const answer = await waitFor('the answer through the new topics', async () => movedEvents.values.filter((e) => e.commandId === block.commandId && e.source === 'device'), (l) => l.length > 0, 30_000, 50);
        expect(answer[0]).toMatchObject({ state: 'applied', meterId: device.meterId });
        expect(device.firmware.state.lastSeq).toBeGreaterThan(before);
        expect(device.firmware.state.blocked).toBe(true);
        // Redelivered (a bridge restart before committing): the same seq, recognised, not applied twice.
        const redelivered = device.received.at(-1)!;
        const envelope = JSON.parse(redelivered.toString()) as SignedCommandEnvelope;
        expect(envelope.seq).toBe(device.firmware.state.lastSeq);
      } finally {
        await movedEvents.stop();
        await movedProducer.disconnect();
      }
    } finally {
      await moved.stopAll();
    }
  });

  it('a command for an offline meter waits at the broker and is applied when the meter reconnects', async () => {
    const device = await meter('offline');
    await device.goOffline();
    const block = command(device.meterId, 'block');
    await send(block);
    await waitForState(block.commandId, 'delivered');
    expect(statesOf(block.commandId).map((e) => e.state)).toEqual(['delivered']);
    await device.goOnline();
    await waitForState(block.commandId, 'applied');
    expect(device.firmware.state.blocked).toBe(true);
  });

  it('the simulated fleet obeys a block: the blocked meter reports zero flow from then on, the others go on', async () => {
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters: 3,
      profile: 'water',
      prefix: `${pipeline.runId}-fleet`,
      sectors: 1,
      intervalMs: 1000,
      readingsPerMeter: null,
      ratePerSecond: 60,
      batchSize: 1,
      maxInFlight: 10,
      seed: 9,
      commands: { masterKey },
    });
    const watcher = await connectMqtt({ url: pipeline.config.string('MF_MQTT_URL'), username: pipeline.config.string('MF_MQTT_USERNAME'), password: pipeline.config.string('MF_MQTT_PASSWORD'), clientId: `${pipeline.runId}-watch`, clean: true });
    const seen: { meterId: string; value: number; at: number }[] = [];
    watcher.on('message', (topic, payload) => seen.push({ meterId: topic.split('/')[1]!, value: (JSON.parse(payload.toString()) as { value: number }).value, at: Date.now() }));
    try {
      await watcher.subscribeAsync(fleet.meterIds.map((id) => mqttTopics.reading(id)), { qos: 1 });
      const [blocked, open] = fleet.meterIds as [string, string];
      const block = command(blocked, 'block');
      await send(block);
      await waitForState(block.commandId, 'applied');
      const appliedAt = Date.now();
      const after = (id: string) => seen.filter((r) => r.meterId === id && r.at > appliedAt + 100);
      await waitFor('readings after the block', async () => after(blocked).length, (n) => n >= 5, 30_000, 50);
      expect(after(blocked).map((r) => r.value)).toEqual(after(blocked).map(() => 0));
      // A water profile has stretches of zero flow: wait for the open meter's next use (a
      // blocked meter would never report one), instead of judging the first few readings.
      await waitFor('flow from the open meter after the block', async () => after(open).some((r) => r.value > 0), Boolean, 30_000, 50);
      expect(after(blocked).map((r) => r.value)).toEqual(after(blocked).map(() => 0));
    } finally {
      await watcher.endAsync();
      await fleet.stop();
    }
  });
});
