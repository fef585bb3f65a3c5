import type { Reading } from '../../../core/contracts';
import type { QuestdbPool } from '../../../core/questdb/questdb-sql';
import { waitFor } from './wait-for';

export const minute = 60_000;

/**
 * A deterministic fleet for the rolling-averages tests: `meters` meters in 3 sectors, one
 * reading every `stepMs` for `hours` hours from a whole hour `t0`, neighbours swapped in every
 * group of 3 (out of order within the lateness), then readings two hours later on 60 extra
 * meters to push every partition's watermark past the end.
 */
export function rollingFixture(runId: string, options: { meters: number; hours: number; stepMs: number }) {
  const t0 = Math.floor((Date.now() - (options.hours + 2) * 3_600_000) / 3_600_000) * 3_600_000;
  const tEnd = t0 + options.hours * 3_600_000;
  const readings: Reading[] = [];
  for (let ts = t0; ts < tEnd; ts += options.stepMs) {
    for (let m = 0; m < options.meters; m += 1) {
      readings.push({
        meterId: `${runId}-m${m}`,
        kind: 'water',
        ts: ts + m * 1000,
        value: ((ts / options.stepMs + m * 7) % 13) * 0.5,
        valueUnit: 'L/min',
        register: null,
        registerUnit: 'L',
        seq: null,
        sector: `${runId}-s${m % 3}`,
        receivedAt: ts,
      });
    }
  }
  for (let i = 0; i + 2 < readings.length; i += 3) [readings[i], readings[i + 2]] = [readings[i + 2]!, readings[i]!];
  const ticks: Reading[] = [];
  for (let k = 0; k < 60; k += 1) {
    ticks.push({ meterId: `${runId}-tick-${k}`, kind: 'water', ts: tEnd + 2 * 3_600_000, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: `${runId}-tick`, receivedAt: tEnd + 2 * 3_600_000 });
  }
  const sectorLike = `${runId}-s%`;

  /** Waits until every partition's share of the last hour and every meter's last 15-min window are in. */
  const waitComplete = async (questdb: QuestdbPool) => {
    const lastHour = async () => {
      const { rows } = await questdb.query<{ n: string }>(`SELECT sum(count) n FROM rollups WHERE scope = 'sector' AND bucket = '1h' AND scope_id::string LIKE $1 AND ts = $2`, [sectorLike, new Date(tEnd - 3_600_000)]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor('the last hour rolled up', lastHour, (n) => n >= (3_600_000 / options.stepMs) * options.meters, 180_000, 250);
    const lastWindows = async () => {
      const { rows } = await questdb.query<{ n: string }>(`SELECT count() n FROM rolling_averages WHERE window_size = '15m' AND meter_id::string LIKE $1 AND ts = $2`, [`${runId}-m%`, new Date(tEnd + 10 * minute)]);
      return Number(rows[0]?.n ?? 0);
    };
    await waitFor("every meter's last 15-min window", lastWindows, (n) => n >= options.meters, 180_000, 250);
  };

  /** What the processors wrote for this run, reduced to comparable figures. */
  const outputDigest = async (questdb: QuestdbPool) => {
    const { rows: r } = await questdb.query<{ n: string; s: number; c: string }>(`SELECT count() n, sum(sum) s, sum(count) c FROM rolling_averages WHERE meter_id::string LIKE $1`, [`${runId}-m%`]);
    const { rows: u } = await questdb.query<{ n: string; s: number; c: string }>(`SELECT count() n, sum(sum) s, sum(count) c FROM rollups WHERE scope_id::string LIKE $1 AND bucket != '1d'`, [sectorLike]); // a 1-day bucket may not have closed yet
    return { windows: Number(r[0]!.n), windowCount: Number(r[0]!.c), windowSum: Number(r[0]!.s.toFixed(6)), rollups: Number(u[0]!.n), rollupCount: Number(u[0]!.c), rollupSum: Number(u[0]!.s.toFixed(6)) };
  };

  return { t0, tEnd, readings, ticks, sectorLike, waitComplete, outputDigest };
}

export const closeTo = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
