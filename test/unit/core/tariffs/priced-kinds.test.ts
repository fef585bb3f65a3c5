import { kindsPricedBy, pricesKind } from '../../../../core/tariffs/priced-kinds';

// The kinds a tariff can bill follow from units alone: water registers litres, gas cubic
// metres, electricity kWh; temperature and generic meters register nothing a tariff prices.
describe('kinds a tariff prices', () => {
  it('a volume tariff bills water (litres are a thousandth of a m³) and gas, never electricity', () => {
    expect(kindsPricedBy({ unit: 'm3' })).toEqual(['water', 'gas']);
    expect(pricesKind({ unit: 'm3' }, 'electricity')).toBe(false);
  });

  it('an energy tariff in a multiple of kWh bills electricity only', () => {
    expect(kindsPricedBy({ unit: 'MWh' })).toEqual(['electricity']);
  });

  it('a unit no register counts in bills no kind', () => {
    expect(kindsPricedBy({ unit: 'degC' })).toEqual([]);
    expect(pricesKind({ unit: 'L' }, 'temperature')).toBe(false);
  });
});
