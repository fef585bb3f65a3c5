import { commandRecordOf, buildCommand, type CommandRecord } from '../../../../graphql/commands/command-record';
import { deriveCommandView, noAnswerReason, notDeliveredReason, type CommandEventLike } from '../../../../graphql/commands/command-view';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');
const record: CommandRecord = { commandId: 'cmd-1', meterId: 'm-1', type: 'block', reason: 'DEBT', note: 'overdue', issuedBy: 'admin', issuedAt: t0, expiresAt: t0 + 60_000 };
const ev = (state: CommandEventLike['state'], at: number, source: CommandEventLike['source'] = state === 'delivered' || state === 'expired' ? 'bridge' : 'device', reason?: string): CommandEventLike => ({ state, at, source, reason: reason ?? null });
const grace = 5000;

describe('deriveCommandView', () => {
  it('is PENDING with only the issue step before any event', () => {
    const view = deriveCommandView(record, [], t0 + 1000, grace);
    expect(view.state).toBe('PENDING');
    expect(view.history.map((s) => [s.state, s.at.getTime(), s.source])).toEqual([['PENDING', t0, 'api']]);
    expect(view.stateReason).toBeNull();
  });

  it('orders DELIVERED before the answer even when the bridge stamped delivery after the device answered', () => {
    const view = deriveCommandView(record, [ev('applied', t0 + 100), ev('delivered', t0 + 105)], t0 + 1000, grace);
    expect(view.history.map((s) => s.state)).toEqual(['PENDING', 'DELIVERED', 'APPLIED']);
    expect(view.state).toBe('APPLIED');
  });

  it('counts a redelivered state once, at its first time', () => {
    const view = deriveCommandView(record, [ev('delivered', t0 + 300), ev('delivered', t0 + 200), ev('applied', t0 + 400), ev('applied', t0 + 350)], t0 + 1000, grace);
    expect(view.history.map((s) => [s.state, s.at.getTime()])).toEqual([['PENDING', t0], ['DELIVERED', t0 + 200], ['APPLIED', t0 + 350]]);
  });

  it('REJECTED carries the device reason as stateReason', () => {
    const view = deriveCommandView(record, [ev('delivered', t0 + 10), ev('rejected', t0 + 20, 'device', 'bad-signature')], t0 + 1000, grace);
    expect(view.state).toBe('REJECTED');
    expect(view.stateReason).toBe('bad-signature');
  });

  it('the bridge expiry event is final with its reason, whatever the clock says', () => {
    const view = deriveCommandView(record, [ev('expired', t0 + 70_000, 'bridge', 'expired before delivery')], t0 + 61_000, grace);
    expect(view.state).toBe('EXPIRED');
    expect(view.stateReason).toBe('expired before delivery');
    expect(view.history.at(-1)!.source).toBe('bridge');
  });

  it('derives EXPIRED only after expiresAt + grace, with the reason telling whether the broker took it', () => {
    expect(deriveCommandView(record, [], record.expiresAt + grace, grace).state).toBe('PENDING');
    const undelivered = deriveCommandView(record, [], record.expiresAt + grace + 1, grace);
    expect(undelivered.state).toBe('EXPIRED');
    expect(undelivered.stateReason).toBe(notDeliveredReason);
    expect(undelivered.history.at(-1)).toEqual({ state: 'EXPIRED', at: new Date(record.expiresAt), source: 'api', reason: notDeliveredReason });
    const unanswered = deriveCommandView(record, [ev('delivered', t0 + 10)], record.expiresAt + grace + 1, grace);
    expect(unanswered.history.map((s) => s.state)).toEqual(['PENDING', 'DELIVERED', 'EXPIRED']);
    expect(unanswered.stateReason).toBe(noAnswerReason);
  });

  it('a real answer wins over the derived expiry, even a late one', () => {
    const view = deriveCommandView(record, [ev('delivered', t0 + 10), ev('applied', record.expiresAt + 60_000)], record.expiresAt + 120_000, grace);
    expect(view.state).toBe('APPLIED');
  });

  it('the first final answer decides', () => {
    const view = deriveCommandView(record, [ev('rejected', t0 + 50, 'device', 'replayed'), ev('applied', t0 + 40)], t0 + 1000, grace);
    expect(view.state).toBe('APPLIED');
    expect(view.history).toHaveLength(2);
  });
});

describe('buildCommand / commandRecordOf', () => {
  it('puts reason and note in params as strings and reads them back', () => {
    const command = buildCommand({ commandId: 'cmd-x', meterId: 'm-1', type: 'block', reason: 'LEAK', note: 'valve', issuedBy: 'ops', ttlS: 30 }, t0);
    expect(command).toEqual({ commandId: 'cmd-x', meterId: 'm-1', type: 'block', params: { reason: 'LEAK', note: 'valve' }, issuedAt: '2026-11-23T10:00:00.000Z', expiresAt: '2026-11-23T10:00:30.000Z', issuedBy: 'ops' });
    expect(commandRecordOf(command)).toEqual({ commandId: 'cmd-x', meterId: 'm-1', type: 'block', reason: 'LEAK', note: 'valve', issuedBy: 'ops', issuedAt: t0, expiresAt: t0 + 30_000 });
  });

  it('an unblock has no params; a long issuer is cut to the contract limit', () => {
    const command = buildCommand({ commandId: 'cmd-y', meterId: 'm-1', type: 'unblock', reason: null, note: null, issuedBy: 'x'.repeat(80), ttlS: 5 }, t0);
    expect(command.params).toBeUndefined();
    expect(command.issuedBy).toHaveLength(64);
  });

  it('refuses what the contract refuses (a malformed meter id)', () => {
    expect(() => buildCommand({ commandId: 'cmd-z', meterId: 'bad id', type: 'block', reason: 'DEBT', note: null, issuedBy: 'ops', ttlS: 5 }, t0)).toThrow();
  });
});
