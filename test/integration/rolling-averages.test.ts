import type { Reading } from '../../core/contracts';
import { loadConfig } from '../../core/config';
import { questdbTables } from '../../core/contracts';
import type { RawProducer } from '../../core/kafka';
import { silentLogger } from '../../core/logger';
import { startProcessors, type Processors } from '../../processors/processors';
import { processorsOptionsFromConfig } from '../../processors/processors-options';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The oracle is QuestDB itself: SAMPLE BY and plain aggregates over the raw readings table,
// which the raw sink fills from the same Kafka topic, against what the processor emitted.
const minute = 60_000;
const meters = 12;
const stepMs = 30_000;
const hours = 2;

describe('rolling averages and rollups against QuestDB SQL over the raw readings', () => {
  let pipeline: TestPipeline;
  let processors: Processors;
  let producer: RawProducer;
  let t0: number;
  let tEnd: number;
  let sectorLike: string;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    sectorLike = `${pipeline.runId}-s%`;
    await pipeline.startSink();
    const config = loadConfig({ ...process.env, ...pipeline.env, MF_PROCESSORS_GROUP_ID: `${pipeline.runId}-processors`, MF_PROCESSORS_HTTP_PORT: '0', MF_PROCESSORS_LATENESS_MS: String(5 * minute), MF_PROCESSORS_FLUSH_INTERVAL_MS: '200' });
    processors = await startProcessors(processorsOptionsFromConfig(config, silentLogger));
    producer = await pipeline.kafka.createProducer();

    t0 = Math.floor((Date.now() - 4 * 3_600_000) / 3_600_000) * 3_600_000;
    tEnd = t0 + hours * 3_600_000;
    const readings: Reading[] = [];
    for (let ts = t0; ts < tEnd; ts += stepMs) {
      for (let m = 0; m < meters; m += 1) {
        readings.push({
          meterId: `${pipeline.runId}-m${m}`,
          kind: 'water',
          ts: ts + m * 1000,
          value: ((ts / stepMs + m * 7) % 13) * 0.5,
          valueUnit: 'L/min',
          register: null,
          registerUnit: 'L',
          seq: null,
          sector: `${pipeline.runId}-s${m % 3}`,
          receivedAt: ts,
        });
      }
    }
    // Out of order within the lateness: swap neighbours in every group of 3 records.
    for (let i = 0; i + 2 < readings.length; i += 3) [readings[i], readings[i + 2]] = [readings[i + 2]!, readings[i]!];
    // Then push every partition's watermark past the end with readings two hours later.
    for (let k = 0; k < 60; k += 1) {
      readings.push({ meterId: `${pipeline.runId}-tick-${k}`, kind: 'water', ts: tEnd + 2 * 3_600_000, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: `${pipeline.runId}-tick`, receivedAt: tEnd });
    }
    for (let i = 0; i < readings.length; i += 2000) {
      await producer.sendBatch(readings.slice(i, i + 2000).map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
    }
    // Complete when every partition's share of the last hour is in, and every meter's last 15-min window.
    const lastHour = async () => {
      const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT sum(count) n FROM rollups WHERE scope = 'sector' AND bucket = '1h' AND scope_id::string LIKE $1 AND ts = $2`, [sectorLike, new Date(tEnd - 3_600_000)]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor('the last hour rolled up', lastHour, (n) => n >= (3_600_000 / stepMs) * meters, 120_000, 250);
    const lastWindows = async () => {
      const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM rolling_averages WHERE window_size = '15m' AND meter_id::string LIKE $1 AND ts = $2`, [`${pipeline.runId}-m%`, new Date(tEnd + 10 * minute)]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor("every meter's last 15-min window", lastWindows, (n) => n >= meters, 120_000, 250);
    const expectedRaw = (tEnd - t0) / stepMs * meters + 60;
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

  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

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
