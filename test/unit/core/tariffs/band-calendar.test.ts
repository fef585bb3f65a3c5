import { bandAt, bandSpans } from '../../../../core/tariffs/band-calendar';
import { parseTariff } from '../../../../core/tariffs/tariff';

const rate = (r: number) => [{ upTo: null, rate: r }];
// Bands by index: 0 High, 1 Low, 2 Normal (the default).
const tou = (calendar: Array<{ from: string; band: string }>, calendarEnd: string) =>
  parseTariff({
    id: 'dtou',
    currency: 'GBP',
    unit: 'kWh',
    datedTou: { bands: [{ name: 'High', blocks: rate(0.672) }, { name: 'Low', blocks: rate(0.0399) }, { name: 'Normal', blocks: rate(0.1176) }], defaultBand: 'Normal', calendar, calendarEnd },
  }).datedTou!;
const t = (iso: string) => Date.parse(iso);
const spans = (s: ReturnType<typeof bandSpans>) => s.map((x) => [new Date(x.from).toISOString().slice(5, 16), new Date(x.to).toISOString().slice(5, 16), ['High', 'Low', 'Normal'][x.band]]);

describe('which band is in force when (dated calendar)', () => {
  // Normal until 7 Jan 17:00Z, High 17:00-20:00, Normal 20:00-01:00, Low 01:00-05:00 (calendar end), Normal after.
  const calendar = tou(
    [
      { from: '2013-01-07T17:00:00Z', band: 'High' },
      { from: '2013-01-07T20:00:00Z', band: 'Normal' },
      { from: '2013-01-08T01:00:00Z', band: 'Low' },
    ],
    '2013-01-08T05:00:00Z',
  );

  it('covers a window with the default band before the first change and after the end', () => {
    expect(spans(bandSpans(calendar, t('2013-01-07T12:00:00Z'), t('2013-01-08T12:00:00Z')))).toEqual([
      ['01-07T12:00', '01-07T17:00', 'Normal'],
      ['01-07T17:00', '01-07T20:00', 'High'],
      ['01-07T20:00', '01-08T01:00', 'Normal'],
      ['01-08T01:00', '01-08T05:00', 'Low'],
      ['01-08T05:00', '01-08T12:00', 'Normal'],
    ]);
  });

  it('clips to a window that starts and ends inside entries', () => {
    expect(spans(bandSpans(calendar, t('2013-01-07T19:30:00Z'), t('2013-01-08T02:00:00Z')))).toEqual([
      ['01-07T19:30', '01-07T20:00', 'High'],
      ['01-07T20:00', '01-08T01:00', 'Normal'],
      ['01-08T01:00', '01-08T02:00', 'Low'],
    ]);
    // Wholly before the calendar, wholly after it, and empty.
    expect(spans(bandSpans(calendar, t('2012-12-01T00:00:00Z'), t('2013-01-01T00:00:00Z')))).toEqual([['12-01T00:00', '01-01T00:00', 'Normal']]);
    expect(spans(bandSpans(calendar, t('2013-02-01T00:00:00Z'), t('2013-03-01T00:00:00Z')))).toEqual([['02-01T00:00', '03-01T00:00', 'Normal']]);
    expect(bandSpans(calendar, t('2013-01-07T18:00:00Z'), t('2013-01-07T18:00:00Z'))).toEqual([]);
  });

  it('starts a band exactly at its change (half-open spans)', () => {
    expect(bandAt(calendar, t('2013-01-07T16:59:59.999Z'))).toBe(2);
    expect(bandAt(calendar, t('2013-01-07T17:00:00Z'))).toBe(0);
    expect(bandAt(calendar, t('2013-01-07T19:59:59.999Z'))).toBe(0);
    expect(bandAt(calendar, t('2013-01-07T20:00:00Z'))).toBe(2);
    expect(bandAt(calendar, t('2013-01-08T04:59:59.999Z'))).toBe(1);
    expect(bandAt(calendar, t('2013-01-08T05:00:00Z'))).toBe(2);
  });

  it('merges neighbours of the same band (a repeated entry, a last band equal to the default)', () => {
    const repeated = tou(
      [
        { from: '2013-01-07T17:00:00Z', band: 'Normal' },
        { from: '2013-01-07T18:00:00Z', band: 'Normal' },
        { from: '2013-01-07T19:00:00Z', band: 'High' },
      ],
      '2013-01-07T20:00:00Z',
    );
    expect(spans(bandSpans(repeated, t('2013-01-07T16:00:00Z'), t('2013-01-07T21:00:00Z')))).toEqual([
      ['01-07T16:00', '01-07T19:00', 'Normal'],
      ['01-07T19:00', '01-07T20:00', 'High'],
      ['01-07T20:00', '01-07T21:00', 'Normal'],
    ]);
  });

  it('reads changes written with a summer-time offset as the instants they name (London, 31 March 2013)', () => {
    // Clocks went forward at 01:00 GMT = 02:00 BST. "03:00+01:00" is 02:00Z: the High band from
    // local midnight to local 03:00 lasts 2 real hours, not 3.
    const dst = tou(
      [
        { from: '2013-03-31T00:00:00+00:00', band: 'High' },
        { from: '2013-03-31T03:00:00+01:00', band: 'Normal' },
      ],
      '2013-04-01T00:00:00+01:00',
    );
    expect(spans(bandSpans(dst, t('2013-03-30T23:00:00Z'), t('2013-03-31T23:00:00Z')))).toEqual([
      ['03-30T23:00', '03-31T00:00', 'Normal'],
      ['03-31T00:00', '03-31T02:00', 'High'],
      ['03-31T02:00', '03-31T23:00', 'Normal'],
    ]);
  });

  it('finds the right entry among many (binary search)', () => {
    // A change every half hour for a day, alternating High / Low from 00:00Z: entry k starts at k × 30 min.
    const entries = Array.from({ length: 48 }, (_, k) => ({ from: new Date(t('2013-06-01T00:00:00Z') + k * 1_800_000).toISOString(), band: k % 2 === 0 ? 'High' : 'Low' }));
    const many = tou(entries, '2013-06-02T00:00:00Z');
    // 13:45Z is inside entry 27 (13:30-14:00): odd, Low; 14:00Z starts entry 28: High.
    expect(bandAt(many, t('2013-06-01T13:45:00Z'))).toBe(1);
    expect(bandAt(many, t('2013-06-01T14:00:00Z'))).toBe(0);
    expect(spans(bandSpans(many, t('2013-06-01T23:15:00Z'), t('2013-06-02T00:15:00Z')))).toEqual([
      ['06-01T23:15', '06-01T23:30', 'High'],
      ['06-01T23:30', '06-02T00:00', 'Low'],
      ['06-02T00:00', '06-02T00:15', 'Normal'],
    ]);
  });
});
