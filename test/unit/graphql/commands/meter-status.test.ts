import { meterStatusOf, type AppliedSwitch } from '../../../../graphql/commands/meter-status';
import { commandIdFor } from '../../../../graphql/commands/command-id';

const s = (commandId: string, type: 'block' | 'unblock', appliedAt: number, reason: AppliedSwitch['reason'] = type === 'block' ? 'DEBT' : null): AppliedSwitch => ({ commandId, meterId: 'm', type, reason, note: type === 'block' ? `note ${commandId}` : null, appliedAt });

describe('meterStatusOf', () => {
  it('is ACTIVE with nothing since for a meter never switched', () => {
    expect(meterStatusOf([])).toEqual({ status: 'ACTIVE', reason: null, note: null, since: null, commandId: null });
  });

  it('is BLOCKED with the block command\'s reason and note when the last applied switch is a block', () => {
    expect(meterStatusOf([s('a', 'unblock', 100), s('b', 'block', 200, 'LEAK')])).toEqual({ status: 'BLOCKED', reason: 'LEAK', note: 'note b', since: new Date(200), commandId: 'b' });
  });

  it('goes by applied time, not by list order', () => {
    expect(meterStatusOf([s('late-unblock', 'unblock', 300), s('block', 'block', 200)])).toMatchObject({ status: 'ACTIVE', since: new Date(300), commandId: 'late-unblock' });
  });
});

describe('commandIdFor', () => {
  it('is the same for the same subject, operation and key, and differs when any differs', () => {
    const id = commandIdFor('admin', 'blockMeter', 'k1');
    expect(id).toMatch(/^cmd-[0-9a-f]{40}$/);
    expect(commandIdFor('admin', 'blockMeter', 'k1')).toBe(id);
    expect(commandIdFor('other', 'blockMeter', 'k1')).not.toBe(id);
    expect(commandIdFor('admin', 'unblockMeter', 'k1')).not.toBe(id);
    expect(commandIdFor('admin', 'blockMeter', 'k2')).not.toBe(id);
  });

  it('is new every time without a key', () => {
    expect(commandIdFor('admin', 'blockMeter', null)).not.toBe(commandIdFor('admin', 'blockMeter', null));
  });
});
