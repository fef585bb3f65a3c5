import { createClaimLedger } from '../../../../graphql/policies/claim-ledger';

// The policies run once per deployment: the first bid for a slot wins.
describe('createClaimLedger', () => {
  it('gives each slot to its first bid, whatever comes after', () => {
    const ledger = createClaimLedger();
    expect(ledger.record({ slot: 7, instance: 'a', claimId: '1' })).toBe('a');
    expect(ledger.record({ slot: 7, instance: 'b', claimId: '2' })).toBe('a');
    expect(ledger.record({ slot: 8, instance: 'b', claimId: '3' })).toBe('b');
    expect(ledger.record({ slot: 8, instance: 'a', claimId: '4' })).toBe('b');
    expect([ledger.winner(7), ledger.winner(8), ledger.winner(9)]).toEqual(['a', 'b', undefined]);
  });

  it('forgets slots far behind the newest, and a bid for a forgotten slot wins nothing', () => {
    const ledger = createClaimLedger(10);
    ledger.record({ slot: 1, instance: 'a', claimId: '1' });
    ledger.record({ slot: 20, instance: 'a', claimId: '2' });
    expect(ledger.winner(1)).toBeUndefined();
    expect(ledger.record({ slot: 2, instance: 'b', claimId: '3' })).toBe('');
  });
});
