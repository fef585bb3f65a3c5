import { intervalsSql, ownershipIntervals, withinIntervals } from '../../../../graphql/auth/ownership';

// After a meter moves, the new owner sees nothing from before the move.
describe('ownershipIntervals', () => {
  const history = [
    { at: 100, customerId: 'a' },
    { at: 200, customerId: 'a' }, // a label change: same owner
    { at: 300, customerId: 'b' },
    { at: 500, customerId: 'a' },
  ];

  it('gives the first owner everything before the first move, a later owner only from the move on', () => {
    expect(ownershipIntervals(history, 'a')).toEqual([
      { from: null, to: 300 },
      { from: 500, to: null },
    ]);
    expect(ownershipIntervals(history, 'b')).toEqual([{ from: 300, to: 500 }]);
    expect(ownershipIntervals(history, 'c')).toEqual([]);
  });

  it('tests instants and writes the same intervals as SQL', () => {
    const b = ownershipIntervals(history, 'b');
    expect([299, 300, 499, 500].map((t) => withinIntervals(b, t))).toEqual([false, true, true, false]);
    const params: unknown[] = ['m'];
    expect(intervalsSql(b, params)).toBe('((ts >= $2 AND ts < $3))');
    expect(params).toEqual(['m', new Date(300).toISOString(), new Date(500).toISOString()]);
    expect(intervalsSql([], [])).toBe('false');
    expect(intervalsSql([{ from: null, to: null }], [])).toBe('(true)');
  });
});
