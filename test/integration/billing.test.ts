import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultBillingConfig } from '../../core/tariffs/default-billing-config';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A water meter on the default tariff (SABESP residential 2017: 0–10 m³ flat R$24,15;
// 11–20 m³ R$3,78/m³; 21–50 m³ R$9,44/m³), billed by calendar month in UTC, through
// Kafka → processors → QuestDB. Every figure below is worked out by hand.
const h = 3_600_000;
const R0 = 1_000_000; // litres on the register at 2026-04-01 00:00 UTC

describe('billing through the pipeline (hand-worked, to the cent)', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let meterId: string;

  const invoice = async (invoiceId: string) => {
    const { rows } = await pipeline.questdb.query<{ status: string; total_cents: string; consumption: number; total: string }>(
      'SELECT status, total_cents, consumption, total FROM invoices WHERE invoice_id = $1',
      [invoiceId],
    );
    return rows[0] ? { status: rows[0].status, totalCents: Number(rows[0].total_cents), consumption: rows[0].consumption, total: rows[0].total } : null;
  };
  const lines = async (invoiceId: string, status: string) => {
    const { rows } = await pipeline.questdb.query<{ kind: string; tier: string | null; quantity: number; amount_cents: string }>(
      'SELECT kind, tier, quantity, amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = $2 ORDER BY line_no',
      [invoiceId, status],
    );
    return rows.map((r) => ({ kind: r.kind, tier: r.tier === null ? null : Number(r.tier), quantity: r.quantity, amountCents: Number(r.amount_cents) }));
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    meterId = `${pipeline.runId}-wm1`;
    harness = await startTestProcessors(pipeline);
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('emits the final April bill after the grace period, and a late reading adds an adjustment, never a change', async () => {
    // Every 6 h from 1 April 00:00 to 30 April 12:00, +225 L each: 118 intervals = 26,550 L.
    const april = Array.from({ length: 119 }, (_, i) => waterReading(meterId, Date.UTC(2026, 3, 1) + i * 6 * h, { register: R0 + i * 225 }));
    // Next reading 1 May 12:00, +2,000 L over 24 h across midnight: 12 h of it, 1,000 L, are April's.
    const may1 = waterReading(meterId, Date.UTC(2026, 4, 1, 12), { register: R0 + 26_550 + 2_000 });
    // 10 May moves this meter's partition past 1 May + 3 days of grace: April closes.
    const may10 = waterReading(meterId, Date.UTC(2026, 4, 10), { register: R0 + 26_550 + 2_000 + 5_000 });
    await harness.send([...april, may1, may10]);

    const aprilId = `${meterId}/2026-04-01`;
    await waitFor('the final April invoice', () => invoice(aprilId), (i) => i?.status === 'final', 60_000, 200);
    // April = 26,550 + 1,000 = 27,550 L = 27.55 m³:
    //   tier 1 (0–10 m³, flat) 24.15; tier 2: 10 m³ × 3.78 = 37.80; tier 3: 7.55 m³ × 9.44 = 71.272 → 71.27.
    //   Total 24.15 + 37.80 + 71.27 = 133.22.
    expect(await invoice(aprilId)).toEqual({ status: 'final', totalCents: 13322, consumption: 27550, total: '133.22' });
    expect(await lines(aprilId, 'final')).toEqual([
      { kind: 'tier', tier: 1, quantity: 10, amountCents: 2415 },
      { kind: 'tier', tier: 2, quantity: 10, amountCents: 3780 },
      { kind: 'tier', tier: 3, quantity: 7.55, amountCents: 7127 },
    ]);

    // Late: 30 April 18:00 at +1,800 L after 12:00. April now holds 1,800 L (12:00–18:00) plus 6 of the
    // 18 h to 1 May 12:00: 200 × 6/18 = 66.667 L. April = 26,550 + 1,800 + 66.667 = 28,416.667 L.
    //   Tier 3 becomes 8.417 m³ (quantities to 0.001) × 9.44 = 79.456 → 79.46; the difference 79.46 − 71.27 = 8.19
    //   is an adjustment of 866.667 L (0.867 m³) on tier 3.
    await harness.send([waterReading(meterId, Date.UTC(2026, 3, 30, 18), { register: R0 + 26_550 + 1_800 })]);
    const adjId = `${aprilId}/adj-1`;
    await waitFor('the April adjustment', () => invoice(adjId), (i) => i !== null, 60_000, 200);
    expect(await invoice(adjId)).toEqual({ status: 'adjusted', totalCents: 819, consumption: 866.667, total: '8.19' });
    expect(await lines(adjId, 'adjusted')).toEqual([{ kind: 'adjustment', tier: 3, quantity: 0.867, amountCents: 819 }]);
    // The final bill itself is untouched.
    expect(await invoice(aprilId)).toEqual({ status: 'final', totalCents: 13322, consumption: 27550, total: '133.22' });
  });
});

// assignTariff through the API writes meter_registry; billing applies it from the local day of
// the change. Here the assignment is made on 15 March, so all of April is billed on it.
describe('billing with a tariff assigned in the meter registry', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;

  beforeAll(async () => {
    // One partition: both meters share it, as they may in production (see the reading order below).
    pipeline = createTestPipeline({ MF_KAFKA_PARTITIONS: '1' });
    const dir = mkdtempSync(path.join(tmpdir(), 'meterflow-billing-'));
    const file = path.join(dir, 'billing.json');
    // The default tariff plus a flat one: R$5.00 per m³, no fixed charge.
    writeFileSync(file, JSON.stringify({ ...defaultBillingConfig, tariffs: [...defaultBillingConfig.tariffs, { id: 'flat-5', name: 'Flat 5', currency: 'BRL', unit: 'm3', blocks: [{ upTo: null, rate: 5 }] }] }));
    await pipeline.questdb.query(
      `INSERT INTO meter_registry (ts, meter_id, kind, tariff_id, registered_at, changed_by) VALUES ('2026-03-15T10:00:00.000000Z', $1, 'water', 'flat-5', '2026-03-15T10:00:00.000000Z', 'test')`,
      [`${pipeline.runId}-flat`],
    );
    await waitFor('registry row applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    harness = await startTestProcessors(pipeline, { MF_BILLING_CONFIG_FILE: file });
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('prices the registry meter on its assigned tariff and a neighbour on the default one', async () => {
    const flat = `${pipeline.runId}-flat`;
    const other = `${pipeline.runId}-default`;
    // In time order across both meters: they may share a Kafka partition, whose stream time must
    // not pass one meter's April (closing it) before that meter's April readings arrive.
    const steps: [number, number][] = [
      [Date.UTC(2026, 3, 1), R0],
      [Date.UTC(2026, 4, 1), R0 + 27_550],
      [Date.UTC(2026, 4, 10), R0 + 30_000],
    ];
    const readings = steps.flatMap(([ts, register]) => [flat, other].map((meterId) => waterReading(meterId, ts, { register })));
    await harness.send(readings);
    const total = async (meterId: string) => {
      const { rows } = await pipeline.questdb.query<{ status: string; total_cents: string }>('SELECT status, total_cents FROM invoices WHERE invoice_id = $1', [`${meterId}/2026-04-01`]);
      return rows[0]?.status === 'final' ? Number(rows[0].total_cents) : null;
    };
    // 27.55 m³ × 5.00 = 137.75 on the assigned tariff; 133.22 on SABESP (worked out above).
    expect(await waitFor('flat final', () => total(flat), (t) => t !== null, 60_000, 200)).toBe(13_775);
    expect(await waitFor('default final', () => total(other), (t) => t !== null, 60_000, 200)).toBe(13_322);
  });
});


// With real servers: registers QuestDB cannot store (1e25, 1e300) used to
// become a LONG `total_cents` QuestDB refuses, stalling the billing flush for every meter; and a
// reading rewriting an instant of a final period is not silently taken. Here both are refused and
// flagged, and the meter's April is billed as if they had not been sent.
describe('billing refuses hostile registers and rewrites of a final period (real servers)', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;

  beforeAll(async () => {
    pipeline = createTestPipeline({ MF_KAFKA_PARTITIONS: '1' });
    harness = await startTestProcessors(pipeline);
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('bills April to the cent, flags each refusal with a billing-refused alert, and issues no adjustment', async () => {
    const meterId = `${pipeline.runId}-wm1`;
    const april = Array.from({ length: 119 }, (_, i) => waterReading(meterId, Date.UTC(2026, 3, 1) + i * 6 * h, { register: R0 + i * 225 }));
    const hostile = [waterReading(meterId, Date.UTC(2026, 3, 10, 3), { register: 1e25 }), waterReading(meterId, Date.UTC(2026, 3, 20, 3), { register: 1e300 })];
    const may1 = waterReading(meterId, Date.UTC(2026, 4, 1, 12), { register: R0 + 26_550 + 2_000 });
    const may10 = waterReading(meterId, Date.UTC(2026, 4, 10), { register: R0 + 26_550 + 2_000 + 5_000 });
    // In event-time order: the hostile readings among April's.
    await harness.send([...april, ...hostile].sort((a, b) => a.ts - b.ts).concat([may1, may10]));

    const aprilId = `${meterId}/2026-04-01`;
    const invoice = async (id: string) => (await pipeline.questdb.query<{ status: string; total_cents: string }>('SELECT status, total_cents FROM invoices WHERE invoice_id = $1', [id])).rows[0] ?? null;
    await waitFor('the final April invoice', () => invoice(aprilId), (i) => i?.status === 'final', 90_000, 200);
    // The same April as in the hand-worked test above: 27.55 m³ → 133.22.
    expect(Number((await invoice(aprilId))!.total_cents)).toBe(13322);

    // 15 April 00:00 was R0 + 56 × 225 L; a rewrite now claims R0 + 99,999 L for the same instant.
    await harness.send([{ ...waterReading(meterId, Date.UTC(2026, 3, 15), { register: R0 + 99_999 }), receivedAt: Date.UTC(2026, 4, 11) }, waterReading(meterId, Date.UTC(2026, 4, 11), { register: R0 + 40_000 })]);
    // The flags: billing-refused alerts (late_readings rows carry the same reasons, but that table
    // keeps 30 days relative to its newest row, so April's rows are gone at once in a shared QuestDB;
    // their text is checked in the unit tests).
    const refusals = async () => {
      await walApplied(pipeline.questdb, 'alerts');
      return (await pipeline.questdb.query<{ ts: Date; evidence: string }>(`SELECT ts, evidence FROM alerts WHERE meter_id = $1 AND rule = 'billing-refused' ORDER BY ts`, [meterId])).rows;
    };
    const alerts = await waitFor('three billing-refused alerts', refusals, (rows) => rows.length >= 3, 60_000, 300);
    expect(alerts.map((a) => [a.ts.getTime(), (JSON.parse(a.evidence) as { reason: string }).reason])).toEqual([
      [Date.UTC(2026, 3, 10, 3), 'implausible-register'],
      [Date.UTC(2026, 3, 15), 'rewrite-of-final-period'],
      [Date.UTC(2026, 3, 20, 3), 'implausible-register'],
    ]);
    expect(JSON.parse(alerts[1]!.evidence)).toMatchObject({ invoiceId: aprilId, from: R0 + 56 * 225, to: R0 + 99_999 });
    await walApplied(pipeline.questdb, 'invoices');
    expect(await invoice(`${aprilId}/adj-1`)).toBeNull();
    expect(Number((await invoice(aprilId))!.total_cents)).toBe(13322);
  }, 200_000);
});
