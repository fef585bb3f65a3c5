import { readingSeriesSql, validateBucketCount } from '../../../../graphql/schema/readings/bucket-sql';
import { validateTimeZone } from '../../../../graphql/schema/readings/time-zone';

describe('reading series SQL', () => {
  it('maps bucket, aggregate and quantity to the SAMPLE BY unit and function, binds the rest', () => {
    expect(readingSeriesSql('MINUTE_15', 'AVG', 'VALUE')).toBe(
      'SELECT ts, avg(value) value, count(value) n FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3 SAMPLE BY 15m ALIGN TO CALENDAR TIME ZONE $4',
    );
    expect(readingSeriesSql('DAY_1', 'LAST', 'REGISTER')).toContain('last_not_null(register) value, count(register) n');
    expect(readingSeriesSql('DAY_1', 'LAST', 'REGISTER')).toContain('SAMPLE BY 1d');
    expect(readingSeriesSql('HOUR_1', 'COUNT', 'VALUE')).toContain('count(value) value');
    expect(readingSeriesSql('MINUTE_1', 'MAX', 'VALUE')).toContain('max(value) value');
  });

  it('refuses anything not in the enums (nothing from a client reaches the SQL text)', () => {
    expect(() => readingSeriesSql('WEEK' as never, 'AVG', 'VALUE')).toThrow(/unknown/);
    expect(() => readingSeriesSql('HOUR_1', 'MEDIAN); DROP TABLE readings; --' as never, 'VALUE')).toThrow(/unknown/);
  });

  it('bounds the number of buckets: 1 day of 1-minute buckets is 1,441 at most', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-02T00:00:00Z');
    expect(() => validateBucketCount('bucket', 'MINUTE_1', from, to, 1441)).not.toThrow();
    expect(() => validateBucketCount('bucket', 'MINUTE_1', from, to, 1440)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'bucket' }) }));
    expect(() => validateBucketCount('bucket', 'HOUR_1', from, to, 25)).not.toThrow();
  });

  it('accepts IANA zones and UTC, refuses unknown names and SQL', () => {
    for (const z of ['UTC', 'Europe/Lisbon', 'America/Sao_Paulo', 'Asia/Kathmandu']) expect(() => validateTimeZone('timeZone', z)).not.toThrow();
    for (const z of ['Mars/Olympus', "UTC'; DROP TABLE x", '', 'Europe/Lisbon '])
      expect(() => validateTimeZone('timeZone', z)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'timeZone' }) }));
  });
});
