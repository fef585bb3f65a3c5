import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../core/config';
import { lateReadingsTable } from '../../core/streams/late-readings';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import { createQuestdbPool, ensureTables, type QuestdbPool } from '../../core/questdb/questdb-sql';

// late_readings changed its designated timestamp from event time to arrival (reading_ts added,
// DEDUP keys with it). A deployment created the table with the earlier DDL; ensureTables must
// bring it to the same table a new deployment creates. Run on copies under other names, on the
// real QuestDB.
const earlierDdl = `CREATE TABLE IF NOT EXISTS late_readings (
  ts TIMESTAMP,
  meter_id SYMBOL CAPACITY 65536 CACHE,
  processor SYMBOL CAPACITY 16 CACHE,
  detail VARCHAR,
  watermark TIMESTAMP,
  kafka_partition INT,
  kafka_offset LONG
) TIMESTAMP(ts) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS(ts, meter_id, processor)`;

describe('late_readings upgrade from the event-time table', () => {
  let pool: QuestdbPool;
  const suffix = randomUUID().slice(0, 8);
  const upgraded = `late_readings_upgraded_${suffix}`;
  const fresh = `late_readings_fresh_${suffix}`;
  const renamed = (sql: string, name: string) => sql.replaceAll('late_readings', name);
  const spec = (name: string) => ({ name, description: '', ddl: renamed(lateReadingsTable.ddl, name), upgrades: (lateReadingsTable.upgrades ?? []).map((u) => renamed(u, name)), upToDate: renamed(lateReadingsTable.upToDate!, name) });

  beforeAll(() => {
    pool = createQuestdbPool(questdbPgFromConfig(loadConfig()));
  });

  afterAll(async () => {
    for (const name of [upgraded, fresh]) await pool.query(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
    await pool.end();
  });

  const shape = async (name: string) => {
    const { rows } = await pool.query<{ ddl: string }>(`SHOW CREATE TABLE ${name}`);
    // The statement names the table; compare everything else.
    return rows[0]!.ddl.replace(name, 'T');
  };

  it('an earlier table, upgraded (twice: upgrades are idempotent), is the table a new deployment creates', async () => {
    await pool.query(renamed(earlierDdl, upgraded));
    await ensureTables(pool, [spec(upgraded)]);
    await ensureTables(pool, [spec(upgraded)]);
    await ensureTables(pool, [spec(fresh)]);
    const after = await shape(upgraded);
    expect(after).toContain('reading_ts TIMESTAMP');
    expect(after).toContain('DEDUP UPSERT KEYS(ts,meter_id,processor,reading_ts)');
    expect(after).toBe(await shape(fresh));
  });
});
