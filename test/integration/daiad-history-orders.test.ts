import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SendOrder } from '../../history-import/history-sender';
import { daiadBilling, loadDaiadRows } from './support/daiad-oracle';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { importHistory } from './support/history-import';
import { waitFor } from './support/wait-for';

// The whole DAIAD trial (92 meters, a year of hourly registers, ~674k rows, with its real faults)
// imported three times into one running stack, under three meter-id prefixes, in three orders:
// meter by meter, file by file (two half-year files, one import run each) and all meters
// interleaved in time. A meter's results must come from its own readings only (docs/processors.md,
// "Order-independent history"): identical invoices, rolling averages and alerts whatever the
// order, none of its readings counted late, and every meter-month equal to the billing rule
// computed on its own from the file (support/daiad-oracle.ts).
const fixture = path.resolve(__dirname, '../fixtures/daiad/swm_trialA.csv.gz');
const day = 86_400_000;

interface Run {
  tag: string;
  files: string[];
  order: SendOrder;
}

/** The file as two half-year files (rows before September 2016 and the rest), each with the header. */
function splitAtSeptember(dir: string): string[] {
  const [header, ...lines] = gunzipSync(readFileSync(fixture)).toString('utf8').split('\n');
  const before: string[] = [];
  const after: string[] = [];
  for (const line of lines) {
    const date = /^[^;]*;\d{2}\/(\d{2})\/(\d{4})/.exec(line);
    if (date) (`${date[2]}-${date[1]}` < '2016-09' ? before : after).push(line);
  }
  return [before, after].map((part, i) => {
    const file = path.join(dir, `half-${i}.csv.gz`);
    writeFileSync(file, gzipSync([header, ...part].join('\n')));
    return file;
  });
}

describe('the whole DAIAD trial imported in three orders', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let tmp: string;
  const rows = loadDaiadRows(1000, fixture);
  const meters = [...new Set(rows.map((r) => r.meter))];
  const runs: Run[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'mf-daiad-orders-'));
    runs.push({ tag: 'm', files: [fixture], order: 'meter' }, { tag: 'f', files: splitAtSeptember(tmp), order: 'time' }, { tag: 't', files: [fixture], order: 'time' });
    pipeline = createTestPipeline();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'Europe/Madrid', MF_ROLLING_WINDOWS: '24h/24h', MF_ROLLUP_BUCKETS: '1d' });
    for (const run of runs) {
      // File by file: one import run per file, as an operator would with a directory of exports.
      for (const files of run.tag === 'f' ? run.files.map((f) => [f]) : [run.files]) {
        const summary = await importHistory(pipeline, { files, preset: 'daiad', meterIdPrefix: `${pipeline.runId}-${run.tag}-`, order: run.order });
        expect(summary.refused).toEqual({});
      }
    }
    // Close February 2017 for every meter: ticks on every partition 20 days after the file ends.
    await harness.closeThrough(rows.reduce((max, r) => Math.max(max, r.ts), -Infinity) + 20 * day);
    await harness.caughtUp(30 * 60_000);
    for (const table of ['invoices', 'rolling_averages', 'alerts']) await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean, 120_000);
  }, 45 * 60_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Per meter id (prefix removed) → what each query says, for one run. */
  const byMeter = async <T extends { meter_id: string }>(run: Run, sql: string): Promise<Map<string, T[]>> => {
    const prefix = `${pipeline.runId}-${run.tag}-`;
    const { rows: found } = await pipeline.questdb.query<T>(sql, [`${prefix}%`]);
    const out = new Map<string, T[]>();
    for (const row of found) {
      const meter = row.meter_id.slice(prefix.length);
      out.set(meter, [...(out.get(meter) ?? []), row]);
    }
    return out;
  };
  interface MonthBill {
    meter_id: string;
    month: string;
    consumption: number;
    total_cents: number;
    read_status: string;
    carried: number;
    held: number;
  }
  // Per meter-month: the final bill plus its adjustments (how many adjustments depends on when the
  // readings came, what they add up to must not), the final's read status, carried litres, held jumps.
  const monthBills = (run: Run) =>
    byMeter<MonthBill>(
      run,
      `SELECT meter_id, substring(invoice_id, position(invoice_id, '/') + 1, 10) month, round(sum(consumption), 3) consumption, sum(total_cents) total_cents,
              max(CASE WHEN status = 'final' THEN read_status END) read_status, round(sum(carried_consumption), 3) carried, sum(held_jumps) held
       FROM invoices WHERE meter_id LIKE $1 AND status IN ('final', 'adjusted') GROUP BY meter_id, month ORDER BY meter_id, month`,
    );

  it('bills every meter-month alike in the three orders, each equal to the rule computed from the file', async () => {
    const [m, f, t] = await Promise.all(runs.map(monthBills));
    expect(m!.size).toBe(meters.length);
    const strip = (list: MonthBill[] | undefined) => (list ?? []).map(({ meter_id: _, ...rest }) => rest);
    const differing: string[] = [];
    let compared = 0;
    for (const meter of meters) {
      const bills = strip(m!.get(meter));
      if (JSON.stringify(strip(f!.get(meter))) !== JSON.stringify(bills)) differing.push(`${meter}: file by file ≠ meter by meter`);
      if (JSON.stringify(strip(t!.get(meter))) !== JSON.stringify(bills)) differing.push(`${meter}: interleaved ≠ meter by meter`);
      const oracle = daiadBilling(rows.filter((r) => r.meter === meter), '2017-02-01');
      expect([meter, bills.map((b) => b.month)]).toEqual([meter, [...oracle.months.keys()]]);
      for (const bill of bills) {
        const rule = oracle.months.get(bill.month)!;
        if (Math.abs(bill.consumption - rule.litres) > 0.01) differing.push(`${meter} ${bill.month}: billed ${bill.consumption} L, the rule says ${rule.litres.toFixed(3)} L`);
        if (bill.read_status !== (rule.read ? 'read' : 'no-read')) differing.push(`${meter} ${bill.month}: ${bill.read_status}, the rule says ${rule.read ? 'read' : 'no-read'}`);
        compared += 1;
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });

  it('computes the same rolling averages and raises the same alerts whatever the order', async () => {
    const windows = (run: Run) => byMeter<{ meter_id: string; windows: number; readings: number; sum: number }>(run, `SELECT meter_id, count() windows, sum(count) readings, round(sum(sum), 3) sum FROM rolling_averages WHERE meter_id LIKE $1 GROUP BY meter_id ORDER BY meter_id`);
    const alerts = (run: Run) => byMeter<{ meter_id: string; rule: string; alerts: number; first: Date; last: Date }>(run, `SELECT meter_id, rule, count_distinct(alert_id) alerts, min(started_at) first, max(started_at) last FROM alerts WHERE meter_id LIKE $1 GROUP BY meter_id, rule ORDER BY meter_id, rule`);
    const comparable = (found: Map<string, Array<{ meter_id: string }>>) => JSON.stringify([...found].sort(([a], [b]) => a.localeCompare(b)).map(([meter, list]) => [meter, list.map(({ meter_id: _, ...rest }) => rest)]));
    const [wm, wf, wt] = await Promise.all(runs.map(windows));
    expect(wm!.size).toBe(meters.length);
    expect(comparable(wf!)).toBe(comparable(wm!));
    expect(comparable(wt!)).toBe(comparable(wm!));
    const [am, af, at] = await Promise.all(runs.map(alerts));
    expect(am!.size).toBeGreaterThan(0);
    expect(comparable(af!)).toBe(comparable(am!));
    expect(comparable(at!)).toBe(comparable(am!));
  });

  it('counts none of the readings late', async () => {
    const metrics = await harness.processors.metrics.render();
    const late = metrics.split('\n').filter((l) => l.startsWith('meterflow_processors_late_readings_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(late).toBe(0);
  });
});
