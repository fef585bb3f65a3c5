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

  it('lists only entries with a record per meter (events alone are not a command)', () => {
    const recent = createRecentCommands(5);
    recent.addEvent('x', 'm', { state: 'applied', source: 'device', at: 1 });
    expect(recent.ofMeter('m')).toEqual([]);
    recent.putRecord(rec('x'));
    expect(recent.ofMeter('m').map((e) => e.events.length)).toEqual([1]);
  });
});
