import { isMeterflowError } from '../../../../core/errors';
import { parseTariffAssignment, tariffIdOn } from '../../../../core/tariffs/tariff-assignment';
import { parseTariff } from '../../../../core/tariffs/tariff';
import { buildTariffCatalog, pricedShares } from '../../../../core/tariffs/tariff-catalog';

const known = new Set(['base', 'north', 'north-2018', 'vip']);

describe('tariff assignment', () => {
  const a = parseTariffAssignment(
    {
      default: 'base',
      sectors: { north: [{ from: '2017-06-16', tariffId: 'north-2018' }, { from: '2000-01-01', tariffId: 'north' }] },
      meters: { 'w-vip': [{ from: '2017-06-21', tariffId: 'vip' }], 'w-always': 'vip' },
    },
    known,
  );

  it('prefers the meter, then its sector, then the default, day by day', () => {
    expect(tariffIdOn(a, 'w-1', null, '2017-06-01')).toBe('base');
    expect(tariffIdOn(a, 'w-1', 'south', '2017-06-01')).toBe('base');
    expect(tariffIdOn(a, 'w-1', 'north', '2017-06-15')).toBe('north');
    expect(tariffIdOn(a, 'w-1', 'north', '2017-06-16')).toBe('north-2018');
    // The meter's own schedule starts on 21 June: before that its sector's applies.
    expect(tariffIdOn(a, 'w-vip', 'north', '2017-06-20')).toBe('north-2018');
    expect(tariffIdOn(a, 'w-vip', 'north', '2017-06-21')).toBe('vip');
    expect(tariffIdOn(a, 'w-always', 'north', '1999-01-01')).toBe('vip');
  });

  it('splits the days of a period by the tariff in force', () => {
    const june = Array.from({ length: 30 }, (_, i) => `2017-06-${String(i + 1).padStart(2, '0')}`);
    const catalog = buildTariffCatalog(new Map([...known].map((id) => [id, parseTariff({ id, currency: 'BRL', unit: 'm3', blocks: [{ upTo: null, rate: 1 }] })])), []);
    expect(pricedShares(catalog, a, 'w-vip', 'north', june).map((s) => ({ ...s, tariff: s.tariff.id }))).toEqual([
      { tariff: 'north', days: 15, firstDate: '2017-06-01', lastDate: '2017-06-15' },
      { tariff: 'north-2018', days: 5, firstDate: '2017-06-16', lastDate: '2017-06-20' },
      { tariff: 'vip', days: 10, firstDate: '2017-06-21', lastDate: '2017-06-30' },
    ]);
  });

  it('names unknown tariffs and bad dates', () => {
    const fail = (input: unknown) => {
      try {
        parseTariffAssignment(input, known);
      } catch (e) {
        expect(isMeterflowError(e, 'BILLING_CONFIG_INVALID')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a failure');
    };
    expect(fail({ default: 'base', sectors: { south: [{ from: '2017-01-01', tariffId: 'nope' }] } })).toBe('assignment.sectors.south[0].tariffId: unknown tariff "nope" (known: base, north, north-2018, vip)');
    expect(fail({ default: 'gone' })).toMatch(/^assignment\.default: unknown tariff "gone"/);
    expect(fail({ default: 'base', meters: { m: [{ from: '2017-02-30', tariffId: 'base' }] } })).toMatch(/assignment\.meters\.m\[0\]\.from: must be a YYYY-MM-DD calendar date/);
  });
});
