import type { Reading } from '../../../../core/contracts';
import type { KeyedProcessor, OutputRow } from '../../../../processors/runtime/keyed-processor';
import { outputRowProblem } from '../../../../processors/runtime/output-row-check';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

const row = (values: OutputRow['values'], types: OutputRow['types'] = {}, ts = 1_700_000_000_000): OutputRow => ({ table: 't', ts, symbols: { meter_id: 'm' }, values, types });

describe('result rows QuestDB would refuse are caught when emitted', () => {
  it('LONG columns need safe integers, timestamps storable instants, doubles finite numbers', () => {
    expect(outputRowProblem(row({ n: 9_007_199_254_740_991 }, { n: 'long' }))).toBeNull();
    expect(outputRowProblem(row({ n: 1e21 }, { n: 'long' }))).toBe('n = 1e+21 is not a safe integer (LONG column)');
    expect(outputRowProblem(row({ n: 2.5 }, { n: 'long' }))).toBe('n = 2.5 is not a safe integer (LONG column)');
    expect(outputRowProblem(row({ at: 1e300 }, { at: 'timestamp' }))).toBe('at = 1e+300 is not an instant QuestDB can store');
    expect(outputRowProblem(row({ x: Number.NaN }))).toBe('x = NaN is not a finite number (DOUBLE column)');
    expect(outputRowProblem(row({ x: 1e300, s: 'text', b: true, z: null }))).toBeNull();
    expect(outputRowProblem(row({}, {}, 1e16))).toBe('ts 10000000000000000 is not an instant QuestDB can store');
  });

  it('the runtime drops such a row and reports it, and keeps every other row', () => {
    const echo: KeyedProcessor<null> = {
      name: 'echo',
      keysOf: (r) => [r.meterId],
      init: () => null,
      // A window result whose count is the reading's register: LONG, so 1e25 cannot be stored.
      apply: (_k, _s, r, ctx) => ctx.emit({ stream: 'window-results', result: { kind: 'rolling-average', value: { meterId: r.meterId, sector: null, windowSize: '1m', windowStart: r.ts - 1000, windowEnd: r.ts, count: r.register!, sum: 1, mean: 1, min: 1, max: 1 } } }),
      advance: () => undefined,
      nextDue: () => null,
    };
    const reading = (ts: number, register: number): Reading => ({ meterId: 'm', kind: 'water', ts, value: null, valueUnit: 'L/min', register, registerUnit: 'L', seq: null, sector: null, receivedAt: ts });
    const driver = createTestDriver(echo, { allowedLatenessMs: 0 });
    driver.pipe(reading(1_000, 5), reading(2_000, 1e25), reading(3_000, 7));
    expect(driver.rows.map((r) => r.values.count)).toEqual([5, 7]);
    expect(driver.events).toHaveLength(2);
    expect(driver.refused.map((r) => r.problem)).toEqual(['count = 1e+25 is not a safe integer (LONG column)']);
  });
});
