import type { Reading } from '../../../../core/contracts';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../../../../processors/billing/billing-processor';
import { createBillingEngine } from '../../../../processors/billing/billing-state';
import { defaultBillingConfig } from '../../../../core/tariffs/default-billing-config';
import type { KeyedProcessor } from '../../../../processors/runtime/keyed-processor';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

// Hostile inputs: the bridge accepts any unit of up to 16 characters, and the billing
// processor threw on a register unit its tariff cannot convert. Thrown out of the partition
// task, the batch was re-read from the last commit and threw again, forever: no meter of the
// partition was billed again. Now the reading is refused on its own, as a late reading.
const day = 86_400_000;
const start = Date.UTC(2026, 2, 1);
const reading = (meterId: string, i: number, registerUnit = 'L'): Reading => ({ meterId, kind: 'water', ts: start + i * day, value: null, valueUnit: 'L/min', register: 100_000 + 300 * i, registerUnit, seq: null, sector: 's1', receivedAt: start + i * day });

describe('a reading the processor throws on costs only itself', () => {
  const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });

  it.each([
    ['an unknown register unit', 'furlong', /not a known register unit/],
    ['a unit of another dimension', 'kWh', /cannot be converted/],
    ['an empty unit', '', /not a known register unit/],
  ])('%s on a meter\'s first reading: refused as late, the honest meter of the partition is still billed', (_name, unit, detail) => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    const honest = Array.from({ length: 40 }, (_, i) => reading('wm-honest', i));
    const hostile = Array.from({ length: 40 }, (_, i) => reading('wm-hostile', i, unit));
    expect(() => driver.pipe(...honest.flatMap((r, i) => [hostile[i]!, r]))).not.toThrow();
    const final = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.invoice_id === 'wm-honest/2026-03-01' && r.symbols.status === 'final');
    expect(final).toHaveLength(1);
    expect(driver.rows.filter((r) => r.symbols.meter_id === 'wm-hostile')).toEqual([]);
    const refused = driver.late.filter((l) => l.reading.meterId === 'wm-hostile');
    expect(refused).toHaveLength(40);
    for (const l of refused) expect(l.detail).toMatch(detail);
    expect(refused[0]!.detail).toMatch(/^billing: refused, /);
    expect(driver.late.filter((l) => l.reading.meterId === 'wm-honest')).toEqual([]);
  });

  it('a throw in apply is refused the same way, and the key goes on with its next reading', () => {
    let throws = 0;
    const toy: KeyedProcessor<{ n: number }> = {
        name: 'toy',
        keysOf: (r) => [r.meterId],
        init: () => ({ n: 0 }),
        apply: (_key, state, r) => {
          if (r.register === 666) {
            throws += 1;
            throw new Error('cannot handle 666');
          }
          state.n += 1;
        },
        advance: () => undefined,
        nextDue: () => null,
    } as KeyedProcessor<{ n: number }>;
    const driver = createTestDriver(toy, { allowedLatenessMs: 0 });
    const r = (register: number, i: number): Reading => ({ ...reading('m-1', i), register });
    expect(() => driver.pipe(r(1, 0), r(666, 1), r(2, 2))).not.toThrow();
    expect(throws).toBe(1);
    expect(driver.late.map((l) => [l.reading.register, l.detail])).toEqual([[666, 'toy: refused, cannot handle 666']]);
  });
});
