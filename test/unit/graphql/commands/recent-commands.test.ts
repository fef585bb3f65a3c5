import { createRecentCommands } from '../../../../graphql/commands/recent-commands';
import type { CommandRecord } from '../../../../graphql/commands/command-record';

const rec = (commandId: string, meterId = 'm'): CommandRecord => ({ commandId, meterId, type: 'block', reason: 'DEBT', note: null, issuedBy: 'a', issuedAt: 1, expiresAt: 2 });

describe('createRecentCommands', () => {
  it('keeps the first record of an id and ignores an event seen twice', () => {
    const recent = createRecentCommands(10);
    recent.putRecord(rec('a'));
    recent.putRecord({ ...rec('a'), note: 'second' });
    recent.addEvent('a', 'm', { state: 'delivered', source: 'bridge', at: 5 });
    recent.addEvent('a', 'm', { state: 'delivered', source: 'bridge', at: 5 });
    expect(recent.get('a')!.record!.note).toBeNull();
    expect(recent.get('a')!.events).toHaveLength(1);
  });

  it('evicts the oldest beyond the limit, also from the per-meter index', () => {
    const recent = createRecentCommands(2);
    recent.putRecord(rec('a', 'm1'));
    recent.putRecord(rec('b', 'm1'));
    recent.putRecord(rec('c', 'm2'));
    expect(recent.size).toBe(2);
    expect(recent.get('a')).toBeUndefined();
    expect(recent.ofMeter('m1').map((e) => e.commandId)).toEqual(['b']);
    expect(recent.ofMeter('m2').map((e) => e.commandId)).toEqual(['c']);
  });

  it('lists only entries with a record per meter (events alone are not a command), adopting the waiting events of its own meter', () => {
    const recent = createRecentCommands(5);
    expect(recent.addEvent('x', 'm', { state: 'applied', source: 'device', at: 1 })).toBeUndefined();
    expect(recent.ofMeter('m')).toEqual([]);
    expect(recent.size).toBe(0);
    recent.putRecord(rec('x'));
    expect(recent.ofMeter('m').map((e) => e.events.length)).toEqual([1]);
  });

  // A device's ack only ever touches its own meter's commands.
  it("ignores an ack from another meter for a known command, and another meter's waiting ack when the record comes", () => {
    const recent = createRecentCommands(5);
    recent.putRecord(rec('a', 'victim'));
    expect(recent.addEvent('a', 'attacker', { state: 'rejected', source: 'device', at: 3, reason: 'forged' })).toBeUndefined();
    expect(recent.get('a')!.events).toEqual([]);
    recent.addEvent('b', 'attacker', { state: 'applied', source: 'device', at: 4 });
    recent.putRecord(rec('b', 'victim'));
    expect(recent.get('b')!.events).toEqual([]);
  });

  it('a flood of acks with random ids evicts no real command and keeps memory bounded', () => {
    const recent = createRecentCommands({ commands: 3, orphans: 100 });
    recent.putRecord(rec('real-1', 'm1'));
    recent.putRecord(rec('real-2', 'm2'));
    for (let i = 0; i < 100_000; i++) recent.addEvent(`random-${i}`, 'attacker', { state: 'applied', source: 'device', at: i });
    expect(recent.size).toBe(2);
    expect(recent.get('real-1')?.record.commandId).toBe('real-1');
    expect(recent.ofMeter('m2').map((e) => e.commandId)).toEqual(['real-2']);
    // Only the newest 100 unknown ids wait for a record: the first ones are gone.
    recent.putRecord(rec('random-0', 'attacker'));
    expect(recent.get('random-0')!.events).toEqual([]);
    recent.putRecord(rec('random-99999', 'attacker'));
    expect(recent.get('random-99999')!.events).toHaveLength(1);
  });

  it('keeps at most eventsPerCommand events of one command (a device repeating acks gets no more memory)', () => {
    const recent = createRecentCommands({ commands: 3, eventsPerCommand: 4 });
    recent.putRecord(rec('a'));
    for (let i = 0; i < 1000; i++) recent.addEvent('a', 'm', { state: 'applied', source: 'device', at: i });
    expect(recent.get('a')!.events).toHaveLength(4);
  });
});
