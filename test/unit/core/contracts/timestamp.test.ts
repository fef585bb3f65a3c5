import { parseEventTime } from '../../../../core/contracts/timestamp';

// 2024-06-15T12:00:00Z = 1 718 452 800 000 ms (19 889 days × 86 400 s + 43 200 s).
const noonUtc = 1_718_452_800_000;

describe('parseEventTime', () => {
  it.each([
    ['2024-06-15T12:00:00Z', noonUtc],
    ['2024-06-15T12:00Z', noonUtc],
    ['2024-06-15T12:00:00.5Z', noonUtc + 500],
    ['2024-06-15T14:00:00+02:00', noonUtc],
    ['2024-06-15T09:30:00-02:30', noonUtc],
    ['2024-06-16T00:00:00+12:00', noonUtc],
  ])('%s → %d', (input, expected) => {
    expect(parseEventTime(input)).toBe(expected);
  });

  it('takes integer epoch milliseconds as they are', () => {
    expect(parseEventTime(noonUtc)).toBe(noonUtc);
    expect(parseEventTime(0)).toBe(0);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the number %p', (input) => {
    expect(parseEventTime(input)).toBeNull();
  });

  it.each(['2024-06-15T12:00:00', '2024-06-15', '2024-06-15 12:00:00Z', 'Sat, 15 Jun 2024 12:00:00 GMT', '1718452800000', '', '2024-06-15T12:00:00+99:99', '2024-13-01T00:00:00Z'])(
    'refuses %j (no zone, not ISO 8601, or impossible)',
    (input) => {
      expect(parseEventTime(input)).toBeNull();
    },
  );

  it('refuses impossible calendar dates instead of rolling them over into the next month', () => {
    // 30 February, 29 February of a non-leap year, 31 April: Date.parse alone turns them into 1 or 2 March / 1 May.
    for (const input of ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z']) expect([input, parseEventTime(input)]).toEqual([input, null]);
  });

  it('accepts 29 February of a leap year', () => {
    // 2024-02-29 is 107 days before 2024-06-15 (1 + 31 + 30 + 31 + 14).
    expect(parseEventTime('2024-02-29T12:00:00Z')).toBe(noonUtc - 107 * 86_400_000);
  });
});
