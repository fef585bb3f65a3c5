import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Reading } from '../../core/contracts';
import { fromLocal, localParts } from '../../core/time/local-time';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { readingsGroupId } from '../../processors/topology';

// Real data: DAIAD smart water meters, Alicante (CC BY-SA 4.0; test/fixtures/daiad/README.md):
// hourly cumulative registers in litres, local time Europe/Madrid, with real faults (register
// decreases, scientific notation, out-of-order rows). A year of a few meters is replayed in
// accelerated time through Kafka → processors; the monthly consumption the bills carry (final
// plus any adjustments) is checked against an independent computation here.
const zone = 'Europe/Madrid';
const meterCount = 6;
const datasetFile = path.resolve(__dirname, '../fixtures/daiad/swm_trialA_6meters.csv.gz');

interface Row {
  meter: string;
  ts: number;
  register: number;
  order: number;
}

function loadRows(): Row[] {
  const lines = gunzipSync(readFileSync(datasetFile)).toString('utf8').split('\n').slice(1);
  const meters: string[] = [];
  const rows: Row[] = [];
  lines.forEach((line, order) => {
    const [meter, datetime, reading] = line.split(';');
    if (!meter || !datetime || reading === undefined) return;
    if (!meters.includes(meter)) {
      if (meters.length === meterCount) return;
      meters.push(meter);
    }
    const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(datetime);
    const register = Number(reading); // also reads "4e+05"
    if (!m || !Number.isFinite(register)) return;
    const [, d, mo, y, hh, mi, ss] = m.map(Number) as number[];
    rows.push({ meter, ts: fromLocal(zone, y!, mo!, d!, hh!, mi!) + ss! * 1000, register, order });
  });
  return rows;
}

/**
 * The rule of docs/billing.md, computed here on its own: in event time (the later row wins an
 * instant), a value at or above the last accepted one adds the difference, spread evenly from
 * the last accepted instant; a lower value is an unexplained decrease, excluded, and the last
 * accepted value holds. Totals per local calendar month.
 */
function monthlyConsumption(rows: Row[]): Map<string, number> {
  const byTs = new Map<number, Row>();
  for (const r of [...rows].sort((a, b) => a.order - b.order)) byTs.set(r.ts, r);
  const sorted = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  const totals = new Map<string, number>();
  const monthKey = (ts: number) => {
    const p = localParts(ts, zone);
    return `${p.year}-${String(p.month).padStart(2, '0')}-01`;
  };
  let base: Row | null = null;
  for (const r of sorted) {
    if (!base) {
      base = r;
      continue;
    }
    if (r.register < base.register) continue;
    const quantity = r.register - base.register;
    // Spread over (base.ts, r.ts], cut at local month starts.
    let from = base.ts;
    while (from < r.ts) {
      const p = localParts(from, zone);
      const nextMonth = fromLocal(zone, p.year, p.month + 1, 1);
      const to = Math.min(r.ts, nextMonth);
      // The instant `from` itself belongs to the span before it, so a span starting at a month start counts in that month.
      totals.set(monthKey(from), (totals.get(monthKey(from)) ?? 0) + (quantity * (to - from)) / (r.ts - base.ts));
      from = to;
    }
    base = r;
  }
  return totals;
}

describe('DAIAD real water data replayed through the pipeline', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: zone, MF_PROCESSORS_LATENESS_MS: String(86_400_000), MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('bills each month what the registers say, faults included', async () => {
    const rows = loadRows();
    const meters = [...new Set(rows.map((r) => r.meter))];
    expect(meters).toHaveLength(meterCount);
    const id = (meter: string) => `${pipeline.runId}-${meter}`;
    // Accelerated time: day by day, the file's own order within a day (its disorder stays, within the lateness).
    const day = (ts: number) => Math.floor(ts / 86_400_000);
    const replay = [...rows].sort((a, b) => day(a.ts) - day(b.ts) || a.order - b.order);
    const readings: Reading[] = replay.map((r) => waterReading(id(r.meter), r.ts, { register: r.register, receivedAt: Date.UTC(2026, 0, 1) + r.order }));
    const end = Math.max(...rows.map((r) => r.ts));
    // Close the last month: every partition's watermark past its end + grace. Processors keep
    // event time per meter, so the meters must also go idle: the ticks' receive time is a day
    // after the replay's (more than MF_PROCESSORS_KEY_IDLE_MS), and their windows close on the
    // partition's watermark.
    for (let k = 0; k < 60; k += 1) readings.push(waterReading(`${pipeline.runId}-tick-${k}`, end + 20 * 86_400_000, { value: 0, receivedAt: Date.UTC(2026, 0, 2) }));
    await harness.send(readings);
    await waitFor('billing caught up', () => pipeline.kafka.groupLag(readingsGroupId(`${pipeline.runId}-processors`), pipeline.topics.readings.name), (lag) => lag === 0, 240_000, 500);
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean);

    let compared = 0;
    let decreases = 0;
    for (const meter of meters) {
      const own = rows.filter((r) => r.meter === meter);
      const expected = monthlyConsumption(own);
      const { rows: invoices } = await pipeline.questdb.query<{ invoice_id: string; status: string; consumption: number; unexplained_decreases: string }>(
        `SELECT invoice_id, status, consumption, unexplained_decreases FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted')`,
        [id(meter)],
      );
      const billed = new Map<string, number>();
      for (const inv of invoices) {
        const month = inv.invoice_id.split('/')[1]!;
        billed.set(month, (billed.get(month) ?? 0) + inv.consumption);
        if (inv.status === 'final') decreases += Number(inv.unexplained_decreases);
      }
      const months = [...expected.keys()].sort();
      expect([...billed.keys()].sort()).toEqual(months);
      for (const month of months) {
        const diff = Math.abs(billed.get(month)! - expected.get(month)!);
        if (diff > 0.01) throw new Error(`${meter} ${month}: billed ${billed.get(month)} L, expected ${expected.get(month)} L`);
        compared += 1;
      }
    }
    process.stderr.write(`DAIAD replay: ${rows.length} readings of ${meterCount} meters, ${compared} meter-months matched, ${decreases} unexplained decreases flagged\n`);
    expect(compared).toBeGreaterThanOrEqual(meterCount * 11);
  }, 400_000);
});
