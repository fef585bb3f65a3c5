import { parseTariff } from '../../../../core/tariffs/tariff';
import { usageByBand } from '../../../../processors/billing/band-usage';
import type { ConsumptionSegment } from '../../../../processors/billing/register-consumption';

const rate = (r: number) => [{ upTo: null, rate: r }];
// usageByBand returns [High, Low, Normal] (the bands' order); Normal is the default.
const tou = (calendar: Array<{ from: string; band: string }>, calendarEnd: string) =>
  parseTariff({
    id: 'dtou',
    currency: 'GBP',
    unit: 'kWh',
    datedTou: { bands: [{ name: 'High', blocks: rate(0.672) }, { name: 'Low', blocks: rate(0.0399) }, { name: 'Normal', blocks: rate(0.1176) }], defaultBand: 'Normal', calendar, calendarEnd },
  }).datedTou!;
const t = (iso: string) => Date.parse(iso);
const seg = (from: string, to: string, quantity: number): ConsumptionSegment => ({ from: t(from), to: t(to), quantity, kind: 'increase' });
const close = (actual: number[], expected: number[]) => expected.forEach((q, i) => expect(actual[i]).toBeCloseTo(q, 9));

describe('attributing consumption to the bands of a dated calendar', () => {
  const evening = tou(
    [
      { from: '2013-01-07T17:30:00Z', band: 'High' },
      { from: '2013-01-07T19:00:00Z', band: 'Normal' },
    ],
    '2013-01-08T00:00:00Z',
  );

  it('gives each half-hour segment wholly to the band of its half hour', () => {
    // Half-hourly readings 17:00-19:30: 0.2, 0.4, 0.6, 0.8, 1.0 kWh.
    // 17:00-17:30 Normal 0.2; 17:30-19:00 High 0.4 + 0.6 + 0.8 = 1.8; 19:00-19:30 Normal 1.0 → Normal 1.2.
    const segments = [0.2, 0.4, 0.6, 0.8, 1.0].map((q, k) => ({ from: t('2013-01-07T17:00:00Z') + k * 1_800_000, to: t('2013-01-07T17:30:00Z') + k * 1_800_000, quantity: q, kind: 'increase' as const }));
    close(usageByBand(segments, t('2013-01-01T00:00:00Z'), t('2013-02-01T00:00:00Z'), evening), [1.8, 0, 1.2]);
  });

  it('splits a segment that crosses a band change in proportion to the time on each side', () => {
    // An hourly meter: 17:00-18:00, 3 kWh; High starts at 17:30 → 1.5 Normal, 1.5 High.
    close(usageByBand([seg('2013-01-07T17:00:00Z', '2013-01-07T18:00:00Z', 3)], t('2013-01-07T00:00:00Z'), t('2013-01-08T00:00:00Z'), evening), [1.5, 0, 1.5]);
    // A 20-minute segment 18:50-19:10 of 0.6 kWh: 10 min High, 10 min Normal → 0.3 each.
    close(usageByBand([seg('2013-01-07T18:50:00Z', '2013-01-07T19:10:00Z', 0.6)], t('2013-01-07T00:00:00Z'), t('2013-01-08T00:00:00Z'), evening), [0.3, 0, 0.3]);
  });

  it('splits a half hour across bands when a change falls inside it', () => {
    // A change at 17:45 (a quarter-hour calendar): the 17:30-18:00 half hour of 1 kWh is
    // half Low (17:30-17:45), half High (17:45-18:00).
    const quarter = tou(
      [
        { from: '2013-01-07T17:30:00Z', band: 'Low' },
        { from: '2013-01-07T17:45:00Z', band: 'High' },
      ],
      '2013-01-07T18:00:00Z',
    );
    close(usageByBand([seg('2013-01-07T17:30:00Z', '2013-01-07T18:00:00Z', 1)], t('2013-01-07T00:00:00Z'), t('2013-01-08T00:00:00Z'), quarter), [0.5, 0.5, 0]);
  });

  it('counts only the part of a segment inside the window (a period boundary inside a band)', () => {
    // High 23:00 on 31 Jan to 01:00 on 1 Feb; a 4-hour segment 22:00-02:00 of 4 kWh (1 per hour).
    // January [.., 1 Feb 00:00): 22-23 Normal 1, 23-24 High 1. February [1 Feb, ..): 00-01 High 1, 01-02 Normal 1.
    const monthEnd = tou(
      [
        { from: '2013-01-31T23:00:00Z', band: 'High' },
        { from: '2013-02-01T01:00:00Z', band: 'Normal' },
      ],
      '2013-03-01T00:00:00Z',
    );
    const segments = [seg('2013-01-31T22:00:00Z', '2013-02-01T02:00:00Z', 4)];
    close(usageByBand(segments, t('2013-01-01T00:00:00Z'), t('2013-02-01T00:00:00Z'), monthEnd), [1, 0, 1]);
    close(usageByBand(segments, t('2013-02-01T00:00:00Z'), t('2013-03-01T00:00:00Z'), monthEnd), [1, 0, 1]);
  });

  it('puts an instantaneous step in the band in force at its instant', () => {
    // A step exactly at 17:30 belongs to High (the band that starts there); one at 19:00 to Normal.
    const steps: ConsumptionSegment[] = [
      { from: t('2013-01-07T17:30:00Z'), to: t('2013-01-07T17:30:00Z'), quantity: 2, kind: 'replacement' },
      { from: t('2013-01-07T19:00:00Z'), to: t('2013-01-07T19:00:00Z'), quantity: 5, kind: 'replacement' },
    ];
    close(usageByBand(steps, t('2013-01-07T00:00:00Z'), t('2013-01-08T00:00:00Z'), evening), [2, 0, 5]);
    // Outside [from, to): not counted.
    close(usageByBand(steps, t('2013-01-07T19:00:00Z') + 1, t('2013-01-08T00:00:00Z'), evening), [0, 0, 0]);
  });

  it('follows instants, not wall-clock hours, across the spring-forward day (London, 31 March 2013)', () => {
    // Local midnight (00:00 GMT) to local 06:00 BST (05:00Z) is 5 real hours; 10 kWh = 2 kWh per hour.
    // High from local midnight to local 03:00 BST (02:00Z): 2 real hours → 4 kWh; Normal 3 h → 6 kWh.
    // (Counting wall-clock hours 00-03 would give 3 hours of High.)
    const dst = tou(
      [
        { from: '2013-03-31T00:00:00+00:00', band: 'High' },
        { from: '2013-03-31T03:00:00+01:00', band: 'Normal' },
      ],
      '2013-04-01T00:00:00+01:00',
    );
    close(usageByBand([seg('2013-03-31T00:00:00Z', '2013-03-31T05:00:00Z', 10)], t('2013-03-01T00:00:00Z'), t('2013-03-31T23:00:00Z'), dst), [4, 0, 6]);
  });

  it('tells the two 01:00 hours apart on the fall-back day (London, 27 October 2013)', () => {
    // Local 00:00 BST (26 Oct 23:00Z) to local 03:00 GMT (03:00Z) is 4 real hours; 8 kWh = 2 per hour.
    // Low only in the second 01:00-02:00 hour, written with its GMT offset: 01:00Z-02:00Z → 2 kWh;
    // the first 01:00 hour (BST, 00:00Z-01:00Z) stays Normal → 6 kWh.
    const fallBack = tou(
      [
        { from: '2013-10-27T01:00:00+00:00', band: 'Low' },
        { from: '2013-10-27T02:00:00+00:00', band: 'Normal' },
      ],
      '2013-10-28T00:00:00Z',
    );
    close(usageByBand([seg('2013-10-26T23:00:00Z', '2013-10-27T03:00:00Z', 8)], t('2013-10-01T00:00:00Z'), t('2013-11-01T00:00:00Z'), fallBack), [0, 2, 6]);
  });
});
