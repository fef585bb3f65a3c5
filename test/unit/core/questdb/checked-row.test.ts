import { checkDesignatedTs, rowValidator } from '../../../../core/questdb/checked-row';

// The ILP client accepts any Number.isInteger for a LONG and writes 1e21 as "1e+21i", which
// QuestDB refuses together with every other row of the request. The validator runs first.
describe('rowValidator: values a QuestDB column can hold', () => {
  const refuses = (fn: () => unknown, column: string) => {
    expect(fn).toThrow(expect.objectContaining({ code: 'QUESTDB_ROW_INVALID', message: expect.stringContaining(`"${column}"`) }));
  };

  it('LONG: safe integers only', () => {
    expect(() => rowValidator.intColumn('n', 2 ** 53 - 1).intColumn('n', -(2 ** 53 - 1)).intColumn('n', 0)).not.toThrow();
    refuses(() => rowValidator.intColumn('seq', 1e21), 'seq');
    refuses(() => rowValidator.intColumn('seq', 2 ** 53), 'seq');
    refuses(() => rowValidator.intColumn('seq', 1.5), 'seq');
    refuses(() => rowValidator.intColumn('seq', Number.NaN), 'seq');
  });

  it('DOUBLE: finite numbers only (1e300 is a valid double)', () => {
    expect(() => rowValidator.floatColumn('v', 1e300).floatColumn('v', -0.5)).not.toThrow();
    refuses(() => rowValidator.floatColumn('v', Number.POSITIVE_INFINITY), 'v');
    refuses(() => rowValidator.floatColumn('v', Number.NaN), 'v');
    refuses(() => rowValidator.floatColumn('v', '12' as unknown as number), 'v');
  });

  it('TIMESTAMP: integer epoch between 1970 and 2262, in the unit given', () => {
    expect(() => rowValidator.timestampColumn('t', 1_700_000_000_000, 'ms').timestampColumn('t', 1_700_000_000_000_000, 'us')).not.toThrow();
    refuses(() => rowValidator.timestampColumn('t', 1e300, 'ms'), 't');
    refuses(() => rowValidator.timestampColumn('t', -1, 'ms'), 't');
    refuses(() => rowValidator.timestampColumn('t', 1.5, 'ms'), 't');
    // 2262-04-12 is where 2^63 µs ends.
    refuses(() => rowValidator.timestampColumn('t', Date.UTC(2263, 0, 1), 'ms'), 't');
  });

  it('strings and symbols: strings up to 1,000,000 characters; booleans: booleans', () => {
    expect(() => rowValidator.symbol('meter_id', 'm-1').stringColumn('d', 'x'.repeat(1_000_000)).booleanColumn('b', false)).not.toThrow();
    refuses(() => rowValidator.stringColumn('detail', 'x'.repeat(1_000_001)), 'detail');
    refuses(() => rowValidator.symbol('meter_id', 42 as unknown as string), 'meter_id');
    refuses(() => rowValidator.booleanColumn('b', 1 as unknown as boolean), 'b');
  });

  it('designated timestamps: integer epoch ms from 1970 to 2262', () => {
    expect(checkDesignatedTs(0)).toBe(0);
    expect(() => checkDesignatedTs(1_700_000_000_000.5)).toThrow(expect.objectContaining({ code: 'QUESTDB_ROW_INVALID' }));
    expect(() => checkDesignatedTs(1e300)).toThrow(expect.objectContaining({ code: 'QUESTDB_ROW_INVALID' }));
  });
});
