import { isMeterflowError } from '../../../../core/errors';
import { parseBillingOptions } from '../../../../core/tariffs/billing-options';
import { parseTariff, type TariffInput } from '../../../../core/tariffs/tariff';

// A small dated TOU tariff: Normal by default, a High evening and a Low night in January 2013.
const tariff = (datedTou: Record<string, unknown> = {}): TariffInput =>
  ({
    id: 'dtou',
    currency: 'GBP',
    unit: 'kWh',
    datedTou: {
      bands: [
        { name: 'High', blocks: [{ upTo: null, rate: 0.672 }] },
        { name: 'Low', blocks: [{ upTo: null, rate: 0.0399 }] },
        { name: 'Normal', blocks: [{ upTo: null, rate: 0.1176 }] },
      ],
      defaultBand: 'Normal',
      calendar: [
        { from: '2013-01-07T17:00:00Z', band: 'High' },
        { from: '2013-01-07T20:00:00Z', band: 'Normal' },
        { from: '2013-01-08T01:00:00+00:00', band: 'Low' },
      ],
      calendarEnd: '2013-01-08T05:00Z',
      ...datedTou,
    },
  }) as TariffInput;

function messageOf(input: unknown): string {
  try {
    parseTariff(input);
  } catch (e) {
    expect(isMeterflowError(e, 'BILLING_CONFIG_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected parseTariff to throw');
}

describe('dated time-of-use tariff validation', () => {
  it('accepts bands, a calendar of changes with offsets and an end, and keeps them as written', () => {
    const t = parseTariff(tariff());
    expect(t.datedTou!.calendar.map((e) => e.band)).toEqual(['High', 'Normal', 'Low']);
    expect(t.datedTou!.calendar[2]!.from).toBe('2013-01-08T01:00:00+00:00');
    expect(t.blocks).toBeUndefined();
    expect(t.tou).toBeUndefined();
  });

  it('names a calendar entry out of order, with the entry before it', () => {
    // 18:00+01:00 is 17:00Z: the same instant as entry 0, so not after it.
    const calendar = [
      { from: '2013-01-07T17:00:00Z', band: 'High' },
      { from: '2013-01-07T18:00:00+01:00', band: 'Normal' },
    ];
    expect(messageOf(tariff({ calendar }))).toBe('tariff "dtou".datedTou.calendar[1].from: must be after calendar[0].from (2013-01-07T17:00:00Z)');
  });

  it('names an instant without its offset, or an impossible date', () => {
    const local = [{ from: '2013-01-07T17:00:00', band: 'High' }];
    expect(messageOf(tariff({ calendar: local }))).toMatch(/^tariff "dtou"\.datedTou\.calendar\[0\]\.from: must be an ISO 8601 instant with its offset/);
    const february30 = [{ from: '2013-02-30T00:00:00Z', band: 'High' }];
    expect(messageOf(tariff({ calendar: february30 }))).toMatch(/datedTou\.calendar\[0\]\.from: must be an ISO 8601 instant/);
    expect(messageOf(tariff({ calendarEnd: 'soon' }))).toMatch(/datedTou\.calendarEnd: must be an ISO 8601 instant/);
  });

  it('refuses a change off the quarter hour (billing compacts settled history to 15-minute slots)', () => {
    expect(messageOf(tariff({ calendar: [{ from: '2013-01-07T17:05:00Z', band: 'High' }] }))).toBe(
      'tariff "dtou".datedTou.calendar[0].from: must fall on a quarter hour (:00, :15, :30 or :45, no seconds): billing keeps settled history in 15-minute slots',
    );
    expect(messageOf(tariff({ calendarEnd: '2013-01-08T05:00:30Z' }))).toMatch(/datedTou\.calendarEnd: must fall on a quarter hour/);
    // Nepal's +05:45: 17:45 local is 12:00Z, a quarter hour.
    expect(parseTariff(tariff({ calendar: [{ from: '2013-01-07T17:45:00+05:45', band: 'High' }] })).datedTou!.calendar).toHaveLength(1);
  });

  it('names unknown bands, a repeated band name and an end that is not after the last change', () => {
    expect(messageOf(tariff({ defaultBand: 'Off-peak' }))).toBe('tariff "dtou".datedTou.defaultBand: band "Off-peak" does not exist (bands: High, Low, Normal)');
    expect(messageOf(tariff({ calendar: [{ from: '2013-01-07T17:00:00Z', band: 'Peak' }] }))).toMatch(/datedTou\.calendar\[0\]\.band: band "Peak" does not exist/);
    const bands = [
      { name: 'High', blocks: [{ upTo: null, rate: 0.672 }] },
      { name: 'High', blocks: [{ upTo: null, rate: 0.5 }] },
      { name: 'Low', blocks: [{ upTo: null, rate: 0.0399 }] },
      { name: 'Normal', blocks: [{ upTo: null, rate: 0.1176 }] },
    ];
    expect(messageOf(tariff({ bands }))).toBe('tariff "dtou".datedTou.bands[1].name: "High" is used twice');
    expect(messageOf(tariff({ calendarEnd: '2013-01-08T01:00:00Z' }))).toBe('tariff "dtou".datedTou.calendarEnd: must be after the last entry\'s from (2013-01-08T01:00:00+00:00)');
    expect(messageOf(tariff({ calendar: [] }))).toMatch(/datedTou\.calendar: Array must contain at least 1 element/);
    expect(messageOf(tariff({ bands: [{ name: 'Normal', blocks: [{ upTo: 10, rate: 0.1 }] }] }))).toMatch(/datedTou\.bands\[0\]\.blocks\[0\]\.upTo: the last block must have upTo: null/);
  });

  it('takes exactly one of blocks, tou and datedTou', () => {
    expect(messageOf({ ...tariff(), blocks: [{ upTo: null, rate: 0.1 }] })).toMatch(/tariff "dtou"\.blocks: give either blocks or tou or datedTou: exactly one of them/);
    expect(messageOf({ ...tariff(), datedTou: undefined })).toMatch(/blocks: give either blocks or tou or datedTou/);
  });

  it('is checked by the billing options with the tariff\'s index in the message', () => {
    const bad = tariff({ calendar: [{ from: '2013-01-07T17:00:00Z', band: 'Peak' }] });
    expect(() => parseBillingOptions({ tariffs: [bad], assignment: { default: 'dtou' } })).toThrow(/^tariffs\[0\] "dtou"\.datedTou\.calendar\[0\]\.band: band "Peak" does not exist/);
  });
});
