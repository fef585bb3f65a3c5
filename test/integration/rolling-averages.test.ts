import { loadConfig } from '../../core/config';
import { questdbTables } from '../../core/contracts';
import type { RawProducer } from '../../core/kafka';
import { silentLogger } from '../../core/logger';
import { startProcessors, type Processors } from '../../processors/processors';
import { processorsOptionsFromConfig } from '../../processors/processors-options';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { closeTo as close, minute, rollingFixture } from './support/rolling-fixture';

// The oracle is QuestDB itself: SAMPLE BY and plain aggregates over the raw readings table,
// which the raw sink fills from the same Kafka topic, against what the processor emitted.
const meters = 12;
const stepMs = 30_000;
const hours = 2;

describe('rolling averages and rollups against QuestDB SQL over the raw readings', () => {
  let pipeline: TestPipeline;
  let processors: Processors;
  let producer: RawProducer;
  let tEnd: number;
  let sectorLike: string;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    sectorLike = `${pipeline.runId}-s%`;
    await pipeline.startSink();
    const config = loadConfig({ ...process.env, ...pipeline.env, MF_PROCESSORS_GROUP_ID: `${pipeline.runId}-processors`, MF_PROCESSORS_HTTP_PORT: '0', MF_PROCESSORS_LATENESS_MS: String(5 * minute), MF_PROCESSORS_FLUSH_INTERVAL_MS: '200', MF_GROUP_COMPARISON_INTERVAL_MS: '3600000' });
    processors = await startProcessors(processorsOptionsFromConfig(config, silentLogger));
    producer = await pipeline.kafka.createProducer();

    const fixture = rollingFixture(pipeline.runId, { meters, hours, stepMs });
    ({ tEnd } = fixture);
    // Records that are not readings (nothing but the bridge should write here) are skipped, not fatal.
    await producer.sendBatch([
      { topic: pipeline.topics.readings.name, key: `${pipeline.runId}-junk`, value: 'not json' },
      { topic: pipeline.topics.readings.name, key: `${pipeline.runId}-junk`, value: '{"meterId": 5}' },
    ]);
    const readings = [...fixture.readings, ...fixture.ticks];
    for (let i = 0; i < readings.length; i += 2000) {
      await producer.sendBatch(readings.slice(i, i + 2000).map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
    }
    await fixture.waitComplete(pipeline.questdb);
    const expectedRaw = readings.length;
    const raw = async () => Number((await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE meter_id::string LIKE $1`, [`${pipeline.runId}-%`])).rows[0]?.n ?? 0);
    await waitFor('raw readings in QuestDB', raw, (n) => n >= expectedRaw, 120_000);
    for (const table of [questdbTables.readings.name, questdbTables.rollups.name, questdbTables.rollingAverages.name]) {
      await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean);
    }
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect();
    await processors?.stop();
    await pipeline?.stopAll();
  });

  // Several processors in one process used to register the same series names
  // (flush_seconds, state_keys, watermark_lag_seconds, rows_emitted_total{table="alerts"}):
  // Prometheus rejects duplicate samples. The page as served must have each series once.
  it('GET /metrics has no two samples with the same name and labels, and one TYPE per name', async () => {
    const text = await (await fetch(`http://127.0.0.1:${processors.httpPort}/metrics`)).text();
    const samples: string[] = [];
    const typed: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('# TYPE ')) typed.push(line.split(' ')[2]!);
      else if (line !== '' && !line.startsWith('#')) samples.push(line.slice(0, line.lastIndexOf(' ')));
    }
    expect(samples.filter((x, i) => samples.indexOf(x) !== i)).toEqual([]);
    expect(typed.filter((x, i) => typed.indexOf(x) !== i)).toEqual([]);
    for (const name of ['rolling-averages', 'alerts', 'billing']) expect(samples).toContain(`meterflow_processors_state_keys{processor="${name}"}`);
    expect(samples.filter((s) => s.startsWith('meterflow_processors_rows_emitted_total{') && s.includes('table="alerts"')).length).toBeGreaterThanOrEqual(1);
  });

  it.each(['1m', '1h'])('sector rollups of %s equal SAMPLE BY over the raw table, summed over partitions', async (bucket) => {
    const oracle = await pipeline.questdb.query<{ ts: Date; sector: string; c: string; s: number; mn: number; mx: number }>(
      `SELECT ts, sector, count() c, sum(value) s, min(value) mn, max(value) mx FROM readings WHERE sector::string LIKE $1 AND ts < $2 SAMPLE BY ${bucket} ALIGN TO CALENDAR ORDER BY ts, sector`,
      [sectorLike, new Date(tEnd)],
    );
    const emitted = await pipeline.questdb.query<{ ts: Date; scope_id: string; c: string; s: number; mn: number; mx: number }>(
      `SELECT ts, scope_id, sum(count) c, sum(sum) s, min(min) mn, max(max) mx FROM rollups WHERE scope = 'sector' AND bucket = $1 AND scope_id::string LIKE $2 AND ts < $3 GROUP BY ts, scope_id ORDER BY ts, scope_id`,
      [bucket, sectorLike, new Date(tEnd)],
    );
    expect(oracle.rows.length).toBe((hours * 60 * 3) / (bucket === '1m' ? 1 : 60));
    expect(emitted.rows.map((r) => `${r.ts.toISOString()} ${r.scope_id} ${r.c}`)).toEqual(oracle.rows.map((r) => `${r.ts.toISOString()} ${r.sector} ${r.c}`));
    oracle.rows.forEach((o, i) => {
      const e = emitted.rows[i]!;
      expect([close(e.s, o.s), close(e.mn, o.mn), close(e.mx, o.mx)]).toEqual([true, true, true]);
    });
  });

  it('per-meter 15-min windows (every 5 min) equal aggregates over the raw table, and none is missing', async () => {
    for (const m of [0, 5, 11]) {
      const meterId = `${pipeline.runId}-m${m}`;
      const { rows: windows } = await pipeline.questdb.query<{ ts: Date; count: string; sum: number; min: number; max: number; mean: number }>(
        `SELECT ts, count, sum, min, max, mean FROM rolling_averages WHERE meter_id = $1 AND window_size = '15m' ORDER BY ts`,
        [meterId],
      );
      // Independent expectation: every 5-min bucket with data opens the windows ending 5, 10 and 15 min after its start.
      const { rows: buckets } = await pipeline.questdb.query<{ ts: Date }>(`SELECT ts, count() n FROM readings WHERE meter_id = $1 SAMPLE BY 5m ALIGN TO CALENDAR`, [meterId]);
      const ends = new Set(buckets.flatMap((b) => [5, 10, 15].map((k) => b.ts.getTime() + k * minute)));
      expect(windows.map((w) => w.ts.getTime())).toEqual([...ends].sort((a, b) => a - b));
      for (const w of windows) {
        const { rows } = await pipeline.questdb.query<{ c: string; s: number; mn: number; mx: number }>(
          `SELECT count() c, sum(value) s, min(value) mn, max(value) mx FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3`,
          [meterId, new Date(w.ts.getTime() - 15 * minute), w.ts],
        );
        const o = rows[0]!;
        expect(Number(w.count)).toBe(Number(o.c));
        expect([close(w.sum, o.s), close(w.min, o.mn), close(w.max, o.mx), close(w.mean, o.s / Number(o.c))]).toEqual([true, true, true, true]);
      }
    }
  });

  it('skipped the two records that are not readings, and went on (processors and raw sink)', async () => {
    const text = await processors.metrics.render();
    expect(/meterflow_processors_records_unreadable_total\{processor="readings-topology"\} (\d+)/.exec(text)?.[1]).toBe('2');
    const sink = await pipeline.sink!.metrics.render();
    expect(/meterflow_sink_records_unreadable_total\{topic="[^"]*readings"\} (\d+)/.exec(sink)?.[1]).toBe('2');
  });

  it('nothing was late, and every window row is there once', async () => {
    const { rows: late } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM late_readings WHERE meter_id::string LIKE $1`, [`${pipeline.runId}-%`]);
    expect(Number(late[0]!.n)).toBe(0);
    const { rows: keys } = await pipeline.questdb.query<{ n: string; k: string }>(
      `SELECT count() n, count_distinct(concat(meter_id, '@', window_size, '@', cast(ts AS string))) k FROM rolling_averages WHERE meter_id::string LIKE $1`,
      [`${pipeline.runId}-%`],
    );
    expect(Number(keys[0]!.n)).toBeGreaterThan(0);
    expect(Number(keys[0]!.n)).toBe(Number(keys[0]!.k));
  });
});
