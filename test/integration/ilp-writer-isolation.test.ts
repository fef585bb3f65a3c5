import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../core/config';
import { questdbTables } from '../../core/contracts';
import { createIlpWriter, type IlpWriter, type RefusedRow } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, ensureTables, type QuestdbPool } from '../../core/questdb/questdb-sql';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import { walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// One row QuestDB cannot take must cost only itself: the writer refuses values a column cannot
// hold before they reach the buffer, and bisects a flush QuestDB refuses until the bad row is
// alone. Real QuestDB; the oracle is SQL over the table and over dead_letters.
describe('ILP writer: one bad row never blocks the rest', () => {
  const config = loadConfig(process.env);
  const runId = `ilp${randomUUID().slice(0, 8)}`;
  const table = `ilp_isolation_${runId}`;
  let pool: QuestdbPool;
  let writer: IlpWriter;
  const refused: RefusedRow[] = [];
  const t0 = Date.UTC(2026, 10, 1);

  beforeAll(async () => {
    pool = createQuestdbPool(questdbPgFromConfig(config));
    await ensureTables(pool, [questdbTables.deadLetters]);
    await pool.query(`CREATE TABLE ${table} (ts TIMESTAMP, meter_id SYMBOL, n LONG, v DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, meter_id)`);
    writer = await createIlpWriter(config.string('MF_QUESTDB_HTTP_URL'), { service: runId, onRefused: (r) => refused.push(r) });
  });

  afterAll(async () => {
    await writer?.close();
    await pool?.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool?.end();
  });

  const good = (i: number) => writer.row(table, t0 + i * 1000, (r) => r.symbol('meter_id', `m-${i}`).intColumn('n', i).floatColumn('v', i / 2), { source: 'test', partition: 0, offset: String(i), at: t0 + i });

  it('refuses out-of-range values before sending, bisects a refused flush, dead-letters the bad rows, writes every good one', async () => {
    for (let i = 0; i < 20; i += 1) await good(i);
    // A LONG QuestDB cannot hold: the ILP client alone would write "1e+21i" and QuestDB refuse the whole request.
    await writer.row(table, t0 + 20_000, (r) => r.symbol('meter_id', 'm-20').intColumn('n', 1e21), { source: 'test', partition: 0, offset: '20', at: t0 + 20 });
    // Half a row written, then a non-finite DOUBLE: nothing of it may stay in the buffer.
    await writer.row(table, t0 + 21_000, (r) => r.symbol('meter_id', 'm-21').intColumn('n', 21).floatColumn('v', Number.NaN), { source: 'test', partition: 0, offset: '21', at: t0 + 21 });
    for (let i = 22; i < 30; i += 1) await good(i);
    // Valid for the client, refused by QuestDB: a string into the DOUBLE column.
    await writer.row(table, t0 + 30_000, (r) => r.symbol('meter_id', 'm-30').stringColumn('v', 'not a number'), { source: 'test', partition: 0, offset: '30', at: t0 + 30, payload: '{"hostile":true}' });
    for (let i = 31; i < 50; i += 1) await good(i);
    // A designated timestamp QuestDB cannot store.
    await writer.row(table, 1e300, (r) => r.symbol('meter_id', 'm-x').intColumn('n', 1));

    const report = await writer.flush();
    expect(report.written).toBe(47); // 50 made, minus rows 20, 21 and 30
    expect(report.refused.map((r) => r.code).sort()).toEqual(['QUESTDB_ROW_INVALID', 'QUESTDB_ROW_INVALID', 'QUESTDB_ROW_INVALID', 'QUESTDB_ROW_REFUSED']);
    expect(refused).toHaveLength(4);
    expect(report.refused.find((r) => r.code === 'QUESTDB_ROW_REFUSED')?.error).toContain('cast error');

    await waitFor('WAL applied', () => walApplied(pool, table), Boolean);
    const { rows } = await pool.query<{ n: string; distinct_meters: string; total: string }>(`SELECT count() n, count_distinct(meter_id) distinct_meters, sum(n) total FROM ${table}`);
    // Σ i for i in 0..49 without 20, 21, 30 = 1225 - 71 = 1154, one row per meter.
    expect(rows[0]).toEqual({ n: '47', distinct_meters: '47', total: '1154' });

    await waitFor('WAL applied', () => walApplied(pool, questdbTables.deadLetters.name), Boolean);
    const letters = await pool.query<{ reason: string; detail: string; kafka_offset: string; payload_base64: string }>(
      `SELECT reason, detail, kafka_offset, payload_base64 FROM dead_letters WHERE bridge_id = $1 ORDER BY kafka_offset`,
      [runId],
    );
    expect(letters.rows.map((r) => r.reason)).toEqual(['QUESTDB_REFUSED', 'QUESTDB_REFUSED', 'QUESTDB_REFUSED', 'QUESTDB_REFUSED']);
    const byOffset = new Map(letters.rows.map((r) => [r.kafka_offset, r]));
    expect(byOffset.get('20')?.detail).toContain('"n"');
    expect(byOffset.get('21')?.detail).toContain('"v"');
    expect(byOffset.get('30')?.detail).toContain(table);
    expect(Buffer.from(byOffset.get('30')!.payload_base64, 'base64').toString()).toBe('{"hostile":true}');
  });

  it('after a refusal the writer is clean: the next flush writes its rows and refuses nothing', async () => {
    for (let i = 100; i < 110; i += 1) await good(i);
    const report = await writer.flush();
    expect(report).toEqual({ written: 10, refused: [] });
    await waitFor('WAL applied', () => walApplied(pool, table), Boolean);
    const { rows } = await pool.query<{ n: string }>(`SELECT count() n FROM ${table}`);
    expect(rows[0]!.n).toBe('57');
  });
});
