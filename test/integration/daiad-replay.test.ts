import type { Reading } from '../../core/contracts';
import { daiadMonthlyConsumption, daiadZone, loadDaiadRows } from './support/daiad-oracle';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { readingsGroupId } from '../../processors/topology';

// Real data: DAIAD smart water meters, Alicante (CC BY-SA 4.0; test/fixtures/daiad/README.md):
// hourly cumulative registers in litres, local time Europe/Madrid, with real faults (register
// decreases, scientific notation, out-of-order rows). A year of a few meters is replayed in
// accelerated time through Kafka → processors; the monthly consumption the bills carry (final
// plus any adjustments) is checked against an independent computation (support/daiad-oracle.ts).
const zone = daiadZone;
const meterCount = 6;
const loadRows = () => loadDaiadRows(meterCount);
const monthlyConsumption = daiadMonthlyConsumption;

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
