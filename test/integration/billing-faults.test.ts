import { daiadBilling, daiadFaultsFixture, loadDaiadRows } from './support/daiad-oracle';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { importHistory } from './support/history-import';
import { waitFor } from './support/wait-for';

// Every litre on exactly one invoice, on real data with its faults (docs/billing.md): six DAIAD
// meters imported with `npm run import` through Kafka into the real processors and QuestDB —
// one whose export interleaves a second register (9348c9bb, ~248 m³ apart), one silent for
// seven months (feccd95f), one silent for ten weeks (ba70d0b8), three that stopped reporting
// (d0b62268 in April, 10757a1f in June, 2fa96702 in November 2016). The invoices are checked
// against the rule computed on its own from the file (support/daiad-oracle.ts): per month, in
// total, and the identity total billed = last accepted register − first register − held steps.
const interleaved = '9348c9bb-e66e-4970-94c8-609ba5461ef2';
const silentMonths = 'feccd95f-aed9-4bde-b584-678a60a48ea0';
const stoppedInJune = '10757a1f-7240-460b-92c3-72b28b7b8deb';

describe('billing faults of real history: every litre on exactly one invoice', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  const rows = loadDaiadRows(6, daiadFaultsFixture);
  const meters = [...new Set(rows.map((r) => r.meter))];
  const id = (meter: string) => `${pipeline.runId}-${meter}`;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'Europe/Madrid', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    const summary = await importHistory(pipeline, { files: [daiadFaultsFixture], preset: 'daiad', meterIdPrefix: `${pipeline.runId}-`, waitStoredMs: 120_000 });
    expect(summary.refused).toEqual({});
    // Close February 2017 for every meter: ticks on every partition, 20 days after the file ends, received a day from now.
    const end = Math.max(...rows.map((r) => r.ts));
    await harness.closeThrough(end + 20 * 86_400_000);
    await harness.caughtUp();
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean);
    await waitFor('WAL applied on alerts', () => walApplied(pipeline.questdb, 'alerts'), Boolean);
  }, 400_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  interface InvoiceOf {
    invoice_id: string;
    status: string;
    consumption: number;
    read_status: string;
    carried_consumption: number;
    held_jumps: number | string;
  }
  const invoicesOf = async (meter: string) =>
    (await pipeline.questdb.query<InvoiceOf>(`SELECT invoice_id, status, consumption, read_status, carried_consumption, held_jumps FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted')`, [id(meter)])).rows;
  const month = (invoiceId: string) => invoiceId.split('/')[1]!;

  it('bills each month as the rule computed from the file says, and each meter in total its register advance minus the held steps', async () => {
    for (const meter of meters) {
      const oracle = daiadBilling(rows.filter((r) => r.meter === meter), '2017-02-01');
      const invoices = await invoicesOf(meter);
      const billed = new Map<string, number>();
      for (const inv of invoices) billed.set(month(inv.invoice_id), (billed.get(month(inv.invoice_id)) ?? 0) + inv.consumption);
      expect([meter, [...billed.keys()].sort()]).toEqual([meter, [...oracle.months.keys()].sort()]);
      for (const [label, m] of oracle.months) {
        if (Math.abs(billed.get(label)! - m.litres) > 0.01) throw new Error(`${meter} ${label}: billed ${billed.get(label)} L, the rule says ${m.litres} L`);
      }
      // The identity: everything the register advanced is on an invoice, except what was held.
      const total = invoices.reduce((sum, i) => sum + i.consumption, 0);
      expect(Math.abs(total - oracle.billed)).toBeLessThan(0.01 * invoices.length);
      expect(oracle.billed).toBeCloseTo(oracle.lastAccepted - oracle.firstRegister - oracle.heldSteps, 6);
    }
  });

  it('marks the months a meter measured nothing of as no-read, never a silent zero', async () => {
    for (const meter of meters) {
      const oracle = daiadBilling(rows.filter((r) => r.meter === meter), '2017-02-01');
      const finals = (await invoicesOf(meter)).filter((i) => i.status === 'final');
      const status = new Map(finals.map((i) => [month(i.invoice_id), i.read_status]));
      expect([meter, [...status.keys()].sort()]).toEqual([meter, [...oracle.months.keys()].sort()]);
      for (const [label, m] of oracle.months) expect([meter, label, status.get(label)]).toEqual([meter, label, m.read ? 'read' : 'no-read']);
    }
    // The meter that stopped on 8 June 2016: July 2016 to February 2017 are no-read, with nothing billed.
    const stopped = (await invoicesOf(stoppedInJune)).filter((i) => i.status === 'final' && month(i.invoice_id) >= '2016-07-01');
    expect(stopped).toHaveLength(8);
    expect(stopped.every((i) => i.read_status === 'no-read' && i.consumption === 0)).toBe(true);
  });

  it('bills the seven silent months in the month the meter reported again, labelled as carried', async () => {
    const finals = (await invoicesOf(silentMonths)).filter((i) => i.status === 'final');
    const carried = finals.filter((i) => i.carried_consumption > 0);
    expect(carried).toHaveLength(1);
    // The gap's litres: the register's step over it, read from the file independently.
    const sorted = rows.filter((r) => r.meter === silentMonths).sort((a, b) => a.ts - b.ts);
    let gapAt = 1;
    for (let i = 2; i < sorted.length; i++) if (sorted[i]!.ts - sorted[i - 1]!.ts > sorted[gapAt]!.ts - sorted[gapAt - 1]!.ts) gapAt = i;
    expect(carried[0]!.carried_consumption).toBeCloseTo(sorted[gapAt]!.register - sorted[gapAt - 1]!.register, 3);
    expect(carried[0]!.consumption).toBeGreaterThanOrEqual(carried[0]!.carried_consumption);
  });

  it('holds the interleaved register for review with one jump alert and bills none of it', async () => {
    const oracle = daiadBilling(rows.filter((r) => r.meter === interleaved), '2017-02-01');
    expect(oracle.jumps).toHaveLength(1);
    const invoices = await invoicesOf(interleaved);
    const january = invoices.filter((i) => month(i.invoice_id) === '2017-01-01' && i.status === 'final');
    expect(january.map((i) => Number(i.held_jumps))).toEqual([1]);
    // ~248 m³ apart: no month of this household comes near it.
    expect(Math.max(...invoices.map((i) => i.consumption))).toBeLessThan(50_000);
    const { rows: alerts } = await pipeline.questdb.query<{ alert_id: string; evidence: string }>(`SELECT DISTINCT alert_id, evidence FROM alerts WHERE meter_id = $1 AND rule = 'register-anomaly'`, [id(interleaved)]);
    const jumps = alerts.filter((a) => (JSON.parse(a.evidence) as { anomaly: string }).anomaly === 'jump');
    expect(new Set(jumps.map((a) => a.alert_id)).size).toBe(1);
  });
});
