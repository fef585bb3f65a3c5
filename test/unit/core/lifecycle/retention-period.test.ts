import {
  forever,
  kafkaRetentionMs,
  parseRetentionPeriod,
  periodFromKafka,
  periodFromQuestdb,
  questdbTtl,
  retentionMs,
  samePeriod,
} from '../../../../core/lifecycle/retention-period';

const day = 86_400_000;

describe('retention periods', () => {
  it('reads a whole number with h, d, w, mo or y, and forever', () => {
    expect(parseRetentionPeriod('400d')).toEqual({ forever: false, count: 400, unit: 'd' });
    expect(parseRetentionPeriod(' 18mo ')).toEqual({ forever: false, count: 18, unit: 'mo' });
    expect(parseRetentionPeriod('10y')).toEqual({ forever: false, count: 10, unit: 'y' });
    expect(parseRetentionPeriod('48h')).toEqual({ forever: false, count: 48, unit: 'h' });
    expect(parseRetentionPeriod('forever')).toEqual(forever);
  });

  it.each(['0d', '5m', '1.5d', 'd', '7 days', '-1d', '30', 'Forever', ''])('refuses %j', (text) => {
    expect(parseRetentionPeriod(text)).toBeUndefined();
  });

  it('compares months and years at their average length: 12mo is 1y, 7d is 1w', () => {
    expect(retentionMs(parseRetentionPeriod('2w')!)).toBe(14 * day);
    // 365.2425 days: the Gregorian average year.
    expect(retentionMs(parseRetentionPeriod('1y')!)).toBe(31_556_952_000);
    expect(samePeriod(parseRetentionPeriod('12mo')!, parseRetentionPeriod('1y')!)).toBe(true);
    expect(samePeriod(parseRetentionPeriod('7d')!, parseRetentionPeriod('1w')!)).toBe(true);
    expect(samePeriod(parseRetentionPeriod('30d')!, parseRetentionPeriod('1mo')!)).toBe(false);
    expect(retentionMs(forever)).toBe(Infinity);
  });

  it('writes QuestDB TTL clauses and reads tables() back', () => {
    expect(questdbTtl(parseRetentionPeriod('2w')!)).toBe('2 WEEKS');
    expect(questdbTtl(parseRetentionPeriod('18mo')!)).toBe('18 MONTHS');
    expect(questdbTtl(forever)).toBe('0 HOURS');
    expect(periodFromQuestdb(0, 'HOUR')).toEqual(forever);
    expect(periodFromQuestdb(2, 'WEEK')).toEqual({ forever: false, count: 2, unit: 'w' });
    expect(periodFromQuestdb(10, 'YEAR')).toEqual({ forever: false, count: 10, unit: 'y' });
    expect(periodFromQuestdb(3, 'FORTNIGHT')).toBeUndefined();
  });

  it("converts to Kafka's retention.ms and back", () => {
    expect(kafkaRetentionMs(parseRetentionPeriod('14d')!)).toBe('1209600000');
    expect(kafkaRetentionMs(forever)).toBe('-1');
    expect(periodFromKafka('604800000')).toEqual({ forever: false, count: 7, unit: 'd' });
    expect(periodFromKafka('3600000')).toEqual({ forever: false, count: 1, unit: 'h' });
    expect(periodFromKafka('-1')).toEqual(forever);
    expect(periodFromKafka('1000')).toBeUndefined();
  });
});
