import { createHmac } from 'node:crypto';
import type { Command } from '../../../core/contracts';
import { signCommand } from '../../../core/security/command-signing';
import { createMeterFirmware } from '../../../load-tests/simulator/meter-firmware';

const meterId = 'm-1';
const topic = 'meters/m-1/commands';
const secret = 'secret-of-m-1';
const now = Date.parse('2026-03-01T12:00:00Z');
const command = (type: Command['type'], extra: Partial<Command> = {}): Command => ({
  commandId: `c-${type}`,
  meterId,
  type,
  issuedAt: '2026-03-01T11:59:00Z',
  expiresAt: '2026-03-01T12:05:00Z',
  ...extra,
});
const wire = (c: Command, seq: number, onTopic = topic, key = secret) => Buffer.from(JSON.stringify(signCommand(key, onTopic, seq, JSON.stringify(c))));

describe('meter firmware (device side of the command contract)', () => {
  it('applies block, unblock and a reporting interval in sequence order', () => {
    const fw = createMeterFirmware({ meterId, commandTopic: topic, signingSecret: secret });
    expect(fw.receive(topic, wire(command('block'), 3), now).ack).toEqual({ commandId: 'c-block', status: 'applied', seq: 3, at: now });
    expect(fw.state.blocked).toBe(true);
    expect(fw.receive(topic, wire(command('unblock'), 9), now).ack.status).toBe('applied');
    expect(fw.state.blocked).toBe(false);
    expect(fw.receive(topic, wire(command('set-reporting-interval', { params: { intervalS: 900 } }), 10), now).ack.status).toBe('applied');
    expect(fw.state.reportingIntervalS).toBe(900);
    expect(fw.state.lastSeq).toBe(10);
  });

  it('accepts a signature computed independently as HMAC-SHA256(secret, topic \\n seq \\n body)', () => {
    const fw = createMeterFirmware({ meterId, commandTopic: topic, signingSecret: secret });
    const body = JSON.stringify(command('block'));
    const sig = createHmac('sha256', secret).update(`${topic}\n5\n${body}`).digest('base64url');
    expect(fw.receive(topic, Buffer.from(JSON.stringify({ v: 1, seq: 5, body, sig })), now).ack.status).toBe('applied');
  });

  it('refuses a changed body, a changed sequence number and another meter\'s key as bad-signature', () => {
    const fw = createMeterFirmware({ meterId, commandTopic: topic, signingSecret: secret });
    const genuine = signCommand(secret, topic, 4, JSON.stringify(command('block')));
    const reasons = [
      { ...genuine, body: genuine.body.replace('"block"', '"unblock"') },
      { ...genuine, seq: 5 },
      signCommand('secret-of-m-2', topic, 4, genuine.body),
    ].map((e) => fw.receive(topic, Buffer.from(JSON.stringify(e)), now).ack.reason);
    expect(reasons).toEqual(['bad-signature', 'bad-signature', 'bad-signature']);
    expect(fw.state.blocked).toBe(false);
    expect(fw.state.lastSeq).toBe(-1); // nothing unauthenticated moves the sequence
  });

  it('refuses replays, but answers a redelivery of the command it last answered the same way without applying it again', () => {
    const fw = createMeterFirmware({ meterId, commandTopic: topic, signingSecret: secret });
    const block = wire(command('block'), 7);
    fw.receive(topic, block, now);
    const again = fw.receive(topic, block, now + 1000);
    expect(again.ack).toEqual({ commandId: 'c-block', status: 'applied', seq: 7, at: now });
    expect(again.applied).toBeNull();
    fw.receive(topic, wire(command('unblock'), 8), now);
    expect(fw.receive(topic, block, now).ack).toMatchObject({ status: 'rejected', reason: 'replayed', seq: 7 });
    expect(fw.receive(topic, wire(command('block', { commandId: 'c-other' }), 8), now).ack.reason).toBe('replayed');
    expect(fw.state.blocked).toBe(false);
  });

  it('refuses expired, misaddressed, malformed and invalid-parameter commands', () => {
    const fw = createMeterFirmware({ meterId, commandTopic: topic, signingSecret: secret });
    const late = Date.parse('2026-03-01T12:05:00.001Z');
    expect(fw.receive(topic, wire(command('block'), 1), late).ack.reason).toBe('expired');
    expect(fw.receive(topic, wire(command('block', { meterId: 'm-2' }), 2), now).ack.reason).toBe('misaddressed');
    expect(fw.receive('meters/m-2/commands', wire(command('block'), 3, 'meters/m-2/commands'), now).ack.reason).toBe('misaddressed');
    expect(fw.receive(topic, Buffer.from('{"v":1,"seq":4'), now).ack).toMatchObject({ commandId: 'unknown', reason: 'malformed' });
    expect(fw.receive(topic, Buffer.from(JSON.stringify({ v: 2, seq: 4, body: '{}', sig: 'x' })), now).ack.reason).toBe('malformed');
    expect(fw.receive(topic, wire(command('set-reporting-interval', { params: { intervalS: 0 } }), 5), now).ack.reason).toBe('invalid-params');
    expect(fw.receive(topic, wire(command('set-reporting-interval'), 6), now).ack.reason).toBe('invalid-params');
    expect(fw.state).toMatchObject({ blocked: false, reportingIntervalS: null });
  });

  it('refuses as malformed an envelope whose seq differs from the seq signed in the body', () => {
    const fw = createMeterFirmware({ meterId: 'm-1', commandTopic: topic, signingSecret: secret });
    const body = { ...command('block'), seq: 9 };
    expect(fw.receive(topic, wire(body, 10), now).ack).toMatchObject({ status: 'rejected', reason: 'malformed', seq: 10 });
    expect(fw.receive(topic, wire(body, 9), now).ack).toMatchObject({ status: 'applied', seq: 9 });
  });
});
