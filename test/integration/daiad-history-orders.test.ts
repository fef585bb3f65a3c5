import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseReadingRanges } from '../../core/contracts';
import { silentLogger } from '../../core/logger';
import { runHistoryImport, type HistoryImportOptions } from '../../history-import/history-import';
import { resolveImportMapping } from '../../history-import/import-mapping';
import { daiadBilling, loadDaiadRows } from './support/daiad-oracle';
import { startTestProcessors, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, meterIdLike, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The whole DAIAD trial (92 meters, a year of hourly registers, ~674k rows with the trial's real
// faults: a second register interleaved, months of silence, meters that stopped, decreases,
// rows out of order) imported three times into one running stack, under three meter-id
// prefixes, in the three orders a utility would use (docs/processors.md, "History: an import's
// order cannot change a meter's results"):
//   m: meter by meter (--order meter);
//   f: file by file — the export split in two half-year files, imported by two runs one after the
//      other (each meter pauses between them: MF_PROCESSORS_HISTORY_IDLE_MS keeps it on its own time);
//   t: all meters interleaved in time (the default).
// Each meter's invoices, rolling averages and alerts must be identical in the three, its monthly
// billed consumption equal to the rule computed from the file on its own (support/daiad-oracle.ts,
// local calendar months in Europe/Madrid), and no reading may count as late.
const fullTrial = path.resolve(__dirname, '../fixtures/daiad/swm_trialA.csv.gz');
const silentProgress = { update: () => undefined, end: () => undefined };
const orders = ['m', 'f', 't'] as const;
/** The trial's last month: closed by the test, so every meter has a final bill for it. */
const lastMonth = '2017-02-01';

/** The file's rows split by the local month in their datetime (dd/mm/yyyy): before `yearMonth`, and from it. */
function splitByMonth(file: string, yearMonth: string, dir: string): [string, string] {
  const [header, ...lines] = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const monthOf = (line: string) => {
    const date = line.split(';')[1] ?? '';
    return `${date.slice(6, 10)}-${date.slice(3, 5)}`;
  };
  const data = lines.filter((l) => l.trim() !== '');
  const first = path.join(dir, 'trial-first-half.csv.gz');
  const second = path.join(dir, 'trial-second-half.csv.gz');
  writeFileSync(first, gzipSync([header, ...data.filter((l) => monthOf(l) < yearMonth)].join('\n') + '\n'));
  writeFileSync(second, gzipSync([header, ...data.filter((l) => monthOf(l) >= yearMonth)].join('\n') + '\n'));
  return [first, second];
}

describe('the full DAIAD trial imported in three orders (real stack)', () => {
  let pipeline: TestPipeline;
  let harness: TestProcessors;
  const rows = loadDaiadRows(1000, fullTrial);
  const meters = [...new Set(rows.map((r) => r.meter))];
  const prefix = (order: (typeof orders)[number]) => `${pipeline.runId}-${order}-`;
  const importOptions = (order: (typeof orders)[number], files: string[], send: HistoryImportOptions['order']): HistoryImportOptions => ({
    files,
    mapping: resolveImportMapping({ preset: 'daiad', flags: { meterIdPrefix: prefix(order) } }),
    dryRun: false,
    ratePerSecond: 0,
    order: send,
    waitStoredMs: 0,
    kafka: { brokers: pipeline.config.list('MF_KAFKA_BROKERS'), topics: pipeline.topics },
    questdb: null,
    limits: { maxFutureMs: 600_000, ranges: parseReadingRanges('') },
    progress: silentProgress,
    logger: silentLogger,
  });

  beforeAll(async () => {
    expect(meters).toHaveLength(92);
    pipeline = createTestPipeline();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'Europe/Madrid', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const [firstHalf, secondHalf] = splitByMonth(fullTrial, '2016-09', mkdtempSync(path.join(tmpdir(), 'mf-daiad-')));
    const summaries = [
      await runHistoryImport(importOptions('m', [fullTrial], 'meter')),
      await runHistoryImport(importOptions('f', [firstHalf], 'time')),
      await runHistoryImport(importOptions('f', [secondHalf], 'time')),
      await runHistoryImport(importOptions('t', [fullTrial], 'time')),
    ];
    // The two halves together import what the whole file does.
    expect(summaries[1]!.imported + summaries[2]!.imported).toBe(summaries[0]!.imported);
    expect(summaries[3]!.imported).toBe(summaries[0]!.imported);
    expect(summaries.map((s) => s.refused)).toEqual([{}, {}, {}, {}]);
    const end = rows.reduce((max, r) => Math.max(max, r.ts), -Infinity);
    await harness.closeThrough(end + 20 * 86_400_000);
    await harness.caughtUp(1_200_000);
    for (const table of ['invoices', 'rolling_averages', 'alerts']) await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean, 120_000);
  }, 1_800_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  /** Per meter of the file (prefix removed), what a query returns for one import's meters, as strings. */
  const perMeter = async (order: (typeof orders)[number], sql: (where: string) => string): Promise<Map<string, string[]>> => {
    const { rows: found } = await pipeline.questdb.query<Record<string, unknown> & { meter_id: string }>(sql(meterIdLike), [`${prefix(order)}%`]);
    const out = new Map<string, string[]>();
    for (const r of found) {
      const meter = r.meter_id.slice(prefix(order).length);
      const rest: Record<string, unknown> = { ...r };
      delete rest.meter_id;
      const text = JSON.stringify(rest, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.split(prefix(order)).join('') : v));
      out.set(meter, [...(out.get(meter) ?? []), text]);
    }
    for (const list of out.values()) list.sort();
    return out;
  };
  const sameInEveryOrder = async (what: string, sql: (where: string) => string) => {
    const [m, f, t] = await Promise.all(orders.map((o) => perMeter(o, sql)));
    expect(m!.size).toBeGreaterThan(0);
    for (const meter of meters) {
      const reference = JSON.stringify(m!.get(meter) ?? []);
      if (JSON.stringify(f!.get(meter) ?? []) !== reference || JSON.stringify(t!.get(meter) ?? []) !== reference) throw new Error(`${what} of meter ${meter} differ between the import orders`);
    }
    return m!;
  };

  it('bills every meter-month as the independent rule computes, identically in the three orders', async () => {
    const invoices = await sameInEveryOrder('invoices', (where) => `SELECT meter_id, invoice_id, status, consumption, total_cents, read_status, carried_consumption, held_jumps FROM invoices WHERE ${where} AND status IN ('final', 'adjusted')`);
    let compared = 0;
    for (const meter of meters) {
      // Every meter is billed to the trial's last month: one that stopped earlier gets no-read bills.
      const monthly = new Map([...daiadBilling(rows.filter((r) => r.meter === meter), lastMonth).months].map(([month, m]) => [month, m.litres]));
      const billed = new Map<string, number>();
      for (const text of invoices.get(meter) ?? []) {
        const inv = JSON.parse(text) as { invoice_id: string; consumption: number };
        const month = inv.invoice_id.split('/')[1]!;
        billed.set(month, (billed.get(month) ?? 0) + inv.consumption);
      }
      expect([meter, [...billed.keys()].sort()]).toEqual([meter, [...monthly.keys()].sort()]);
      for (const [month, litres] of monthly) {
        if (Math.abs(billed.get(month)! - litres) > 0.01) throw new Error(`${meter} ${month}: billed ${billed.get(month)} L, the rule says ${litres} L`);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(92 * 6);
  }, 300_000);

  it('writes the same rolling averages and alerts per meter in the three orders', async () => {
    const averages = await sameInEveryOrder('rolling averages', (where) => `SELECT meter_id, window_size, count() windows, sum(count) readings, round(sum(sum), 3) total FROM rolling_averages WHERE ${where} GROUP BY meter_id, window_size`);
    expect([...averages.values()].flat().length).toBeGreaterThanOrEqual(80);
    const alerts = await sameInEveryOrder('alerts', (where) => `SELECT meter_id, rule, state, started_at, ended_at, count() n FROM alerts WHERE ${where} GROUP BY meter_id, rule, state, started_at, ended_at`);
    // The trial has leaks, night use and register faults: some alerts, the same ones each time.
    expect([...alerts.values()].flat().length).toBeGreaterThan(0);
  }, 300_000);

  it('counts no reading late: each meter\'s history arrived in its own time order whatever the others did', () => {
    const metrics = harness.processors.metrics.render();
    const late = metrics.split('\n').filter((l) => l.startsWith('meterflow_processors_late_readings_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(late).toBe(0);
  });
});
