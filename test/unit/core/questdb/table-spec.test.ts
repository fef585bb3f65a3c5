import { defineTable, sqlColumns, type StoredRow } from '../../../../core/questdb/table-spec';
import { readingsTable } from '../../../../core/streams/readings';

const meters = defineTable({
  name: 'meters',
  description: 'test table',
  columns: { ts: 'TIMESTAMP', meter_id: 'SYMBOL CAPACITY 8 CACHE', value: 'DOUBLE' },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  ttl: '7 DAYS',
  dedupKeys: ['ts', 'meter_id'],
});

describe('defineTable', () => {
  it('writes the DDL from the columns in their order, the timestamp, partitioning, TTL and keys', () => {
    expect(meters.ddl).toBe(
      'CREATE TABLE IF NOT EXISTS meters (\n  ts TIMESTAMP,\n  meter_id SYMBOL CAPACITY 8 CACHE,\n  value DOUBLE\n) TIMESTAMP(ts) PARTITION BY MONTH TTL 7 DAYS WAL DEDUP UPSERT KEYS(ts, meter_id)',
    );
  });

  it('names each column by itself, frozen', () => {
    expect(meters.columns).toEqual({ ts: 'ts', meter_id: 'meter_id', value: 'value' });
    expect(Object.isFrozen(meters.columns)).toBe(true);
  });

  it('a column the table does not have is a compile error (checked by tsc, which fails on an unused @ts-expect-error)', () => {
    const unknownColumns = () => [
      // @ts-expect-error -- the readings table has no column "meter"
      readingsTable.columns.meter,
      // @ts-expect-error -- nor may a column list name one
      sqlColumns(readingsTable, ['ts', 'meter']),
    ];
    // @ts-expect-error -- nor may a read-back row type
    const renamed: StoredRow<typeof readingsTable, { ts: Date; meter: string }> = { ts: new Date(0), meter: 'm' };
    expect(renamed.meter).toBe('m');
    const known: StoredRow<typeof readingsTable, { ts: Date; meter_id: string }> = { ts: new Date(0), meter_id: 'm' };
    expect(known.meter_id).toBe('m');
    expect(typeof unknownColumns).toBe('function');
  });

  it('sqlColumns lists columns for SELECT and GROUP BY', () => {
    expect(sqlColumns(readingsTable, ['ts', 'meter_id', 'value'])).toBe('ts, meter_id, value');
  });
});
