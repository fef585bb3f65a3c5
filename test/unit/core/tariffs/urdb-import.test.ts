import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMeterflowError } from '../../../../core/errors';
import { priceUsage } from '../../../../processors/billing/price-consumption';
import { importUrdbTariff } from '../../../../core/tariffs/urdb-import';
import { hourSlot, usageSlots } from '../../../../processors/billing/usage-profile';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/billing/urdb-residential-tou.json'), 'utf8')) as { items: Array<Record<string, unknown>> };
const periodNames = ['off-peak', 'summer-peak', 'winter-peak'];

function failure(json: unknown): string {
  try {
    importUrdbTariff(json, { periodNames });
  } catch (e) {
    expect(isMeterflowError(e, 'BILLING_CONFIG_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the import to fail');
}

describe('OpenEI URDB import', () => {
  const { tariff, warnings } = importUrdbTariff(fixture, { id: 'ex-rs-tou', periodNames });

  it('maps periods, tiers (rate + adj), schedules and the fixed charge', () => {
    expect(tariff).toMatchObject({ id: 'ex-rs-tou', currency: 'USD', unit: 'kWh', fixedCharge: 12.5, tierReferenceDays: null, name: 'Example Electric Co: Residential Time-of-Use (RS-TOU)' });
    expect(tariff.tou!.periods).toEqual([
      { name: 'off-peak', blocks: [{ upTo: null, rate: 0.0943 }] }, // 0.0892 + 0.0051
      { name: 'summer-peak', blocks: [{ upTo: null, rate: 0.2482 }] }, // 0.2431 + 0.0051
      { name: 'winter-peak', blocks: [{ upTo: 500, rate: 0.1171 }, { upTo: null, rate: 0.1461 }] },
    ]);
    // Rows are months (0 = January), columns hours.
    expect(tariff.tou!.weekdaySchedule[6]![14]).toBe(1); // July 14:00
    expect(tariff.tou!.weekdaySchedule[6]![19]).toBe(0); // July 19:00
    expect(tariff.tou!.weekdaySchedule[0]![18]).toBe(2); // January 18:00
    expect(tariff.tou!.weekendSchedule[6]![14]).toBe(0);
    expect(tariff.blocks).toBeUndefined();
  });

  it('lists what it did not apply', () => {
    expect(warnings).toEqual(['TOU demand charges (demandratestructure)', 'minimum charge (mincharge)']);
  });

  it('prices a winter month through both tiers of the on-peak period', () => {
    const usage = { total: 600, byHour: new Array<number>(usageSlots).fill(0) };
    usage.byHour[hourSlot(1, false, 18)] = 600; // January weekday evenings: winter-peak
    // fixed 12.50; tier 1: 500 × 0.1171 = 58.55; tier 2: 100 × 0.1461 = 14.61; total 85.66
    const lines = priceUsage({ tariff, usage, days: 31, billableDays: 31, periodDays: 31 });
    expect(lines.map((l) => [l.kind, l.period, l.tier, l.quantity, l.amountCents])).toEqual([
      ['fixed', null, null, 1, 1250],
      ['tou', 'winter-peak', 1, 500, 5855],
      ['tou', 'winter-peak', 2, 100, 1461],
    ]);
  });

  it('takes the label as id and accepts a bare item', () => {
    expect(importUrdbTariff(fixture.items[0]).tariff.id).toBe('65a1f0c2e3b4d5a6b7c8d9e0');
  });

  it('names the bad URDB field', () => {
    const item = fixture.items[0]!;
    const structure = item.energyratestructure as Array<Array<Record<string, unknown>>>;
    expect(failure({ ...item, energyratestructure: [structure[0], [{ rate: '0.24' }]] })).toMatch(/urdb\.energyratestructure\[1\]\[0\]\.rate: Expected number, received string/);
    expect(failure({ ...item, fixedchargeunits: '$/day' })).toBe('urdb.fixedchargeunits: "$/day" is not supported (only $/month)');
    expect(failure({ ...item, energyweekendschedule: [[0]] })).toMatch(/urdb\.energyweekendschedule/);
    expect(failure({ ...item, energyratestructure: [[{ rate: 0.1, unit: 'kWh daily' }]] })).toMatch(/urdb\.energyratestructure\[0\]\[0\]\.unit: "kWh daily" is not supported/);
    expect(failure({ ...item, energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.2 }]] })).toMatch(/urdb tariff "65a1f0c2e3b4d5a6b7c8d9e0"\.tou\.weekdaySchedule\[0\]\[17\]: period 2 does not exist/);
    expect(failure({ items: [] })).toBe('urdb.items: expected exactly one tariff item, got 0');
  });
});
