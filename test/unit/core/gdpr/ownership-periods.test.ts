import { ownershipPeriods } from '../../../../core/gdpr/ownership-periods';

const at = (iso: string) => Date.parse(iso);

describe('ownershipPeriods', () => {
  it('gives the first registered owner everything before the first move, and the next owner the rest, from local midnight', () => {
    // Registered to A in 2026, moved to B on 16 June 2017 in Madrid (UTC+2 in June): A owns until
    // 2017-06-15T22:00Z, B from then on.
    const history = {
      meterId: 'm1',
      registry: [{ at: at('2026-11-01T10:00:00Z'), customerId: 'A' }, { at: at('2026-11-01T10:05:00Z'), customerId: 'B' }],
      ownerChanges: [{ from: '2017-06-16', customerId: 'B', previousCustomerId: 'A' }],
      zone: 'Europe/Madrid',
    };
    expect(ownershipPeriods(history, 'A')).toEqual([{ meterId: 'm1', from: null, to: at('2017-06-15T22:00:00Z') }]);
    expect(ownershipPeriods(history, 'B')).toEqual([{ meterId: 'm1', from: at('2017-06-15T22:00:00Z'), to: null }]);
    expect(ownershipPeriods(history, 'C')).toEqual([]);
  });

  it('gives a customer who moves out and back two periods', () => {
    const history = {
      meterId: 'm1',
      registry: [{ at: at('2017-01-01T00:00:00Z'), customerId: 'A' }],
      ownerChanges: [
        { from: '2018-03-01', customerId: 'A', previousCustomerId: 'B' },
        { from: '2017-06-01', customerId: null, previousCustomerId: 'A' },
        { from: '2017-09-01', customerId: 'B', previousCustomerId: null },
      ],
      zone: 'UTC',
    };
    expect(ownershipPeriods(history, 'A')).toEqual([
      { meterId: 'm1', from: null, to: at('2017-06-01T00:00:00Z') },
      { meterId: 'm1', from: at('2018-03-01T00:00:00Z'), to: null },
    ]);
    expect(ownershipPeriods(history, 'B')).toEqual([{ meterId: 'm1', from: at('2017-09-01T00:00:00Z'), to: at('2018-03-01T00:00:00Z') }]);
  });

  it('without owner changes follows the registry: each later owner from their registration on', () => {
    const history = { meterId: 'm1', registry: [{ at: 2000, customerId: 'B' }, { at: 1000, customerId: 'A' }], ownerChanges: [], zone: 'UTC' };
    expect(ownershipPeriods(history, 'A')).toEqual([{ meterId: 'm1', from: null, to: 2000 }]);
    expect(ownershipPeriods(history, 'B')).toEqual([{ meterId: 'm1', from: 2000, to: null }]);
  });
});
