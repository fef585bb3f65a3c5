import type { Reading } from '../../../../core/contracts';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../../../../processors/billing/billing-processor';
import { createBillingEngine } from '../../../../processors/billing/billing-state';
import { defaultBillingConfig } from '../../../../core/tariffs/default-billing-config';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

const day = 86_400_000;
const reading = (ts: number, register: number): Reading => ({ meterId: 'wm-1', kind: 'water', ts, value: null, valueUnit: 'L/min', register, registerUnit: 'L', seq: null, sector: 's1', receivedAt: ts });

describe('billing processor (SABESP 2017, UTC months, 3 days of grace)', () => {
  const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });

  // Tiers are sized for 30 days and scale with the period's length (docs/billing.md): March has 31,
  // so its first tier is 10 × 31/30 m³ for 24.15 × 31/30 = 24.955 → 24.96.
  // March: 10 m³ (daily readings, 1 March to 1 April) → all in tier 1: 24.96.
  // April (30 days): 25 m³ → 24.15 + 10 × 3.78 + 5 × 9.44 = 24.15 + 37.80 + 47.20 = 109.15, 337 % above March.
  const march = Array.from({ length: 32 }, (_, i) => reading(Date.UTC(2026, 2, 1) + i * day, 100_000 + (10_000 * i) / 31));
  const april = Array.from({ length: 30 }, (_, i) => reading(Date.UTC(2026, 3, 2) + i * day, 110_000 + (25_000 * (i + 1)) / 30));
  const tick = reading(Date.UTC(2026, 4, 10), 135_000);

  it('emits provisional bills as the period fills and the final one at period end + grace', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, ...april, tick);
    const marchRows = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.invoice_id === 'wm-1/2026-03-01');
    expect(marchRows.some((r) => r.symbols.status === 'provisional')).toBe(true);
    const final = marchRows.filter((r) => r.symbols.status === 'final');
    expect(final.map((r) => r.values.total)).toEqual(['24.96']);
    // Emitted once the watermark passed 1 April + 3 days, not before.
    expect(final[0]!.values.issued_at).toBe(Date.UTC(2026, 3, 4));
    const aprilFinal = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.invoice_id === 'wm-1/2026-04-01' && r.symbols.status === 'final');
    expect(aprilFinal.map((r) => r.values.total)).toEqual(['109.15']);
  });

  it('history (readings that arrive after their period\'s final bill was due) gets the same final bills and no provisional ones', () => {
    // The same readings received in December 2026, as an import of that history would stamp them.
    const arrived = (r: Reading, i: number): Reading => ({ ...r, receivedAt: Date.UTC(2026, 11, 1) + i });
    const live = createTestDriver(processor, { allowedLatenessMs: 0 });
    live.pipe(...march, ...april, tick);
    const history = createTestDriver(processor, { allowedLatenessMs: 0 });
    history.pipe(...[...march, ...april, tick].map(arrived));
    const invoices = (d: ReturnType<typeof createTestDriver>, status: string) => d.rows.filter((r) => r.table === 'invoices' && r.symbols.status === status);
    expect(invoices(history, 'provisional')).toEqual([]);
    expect(invoices(live, 'provisional').length).toBeGreaterThan(0);
    expect(invoices(history, 'final').map((r) => [r.symbols.invoice_id, r.values.total])).toEqual([
      ['wm-1/2026-03-01', '24.96'],
      ['wm-1/2026-04-01', '109.15'],
    ]);
    expect(invoices(history, 'final').map((r) => r.values)).toEqual(invoices(live, 'final').map((r) => r.values));
  });

  it('live readings across a month end still get the closing month\'s provisional bill during its grace days', () => {
    // A meter that starts reporting at 31 March 23:15, every 15 min until 1 April 03:00, received
    // as measured: March's first provisional bill is due at 1 April 00:00, when readings of April
    // have arrived; March stays open until 1 April + 3 days, so that bill is still written.
    const start = Date.UTC(2026, 2, 31, 23, 15);
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...Array.from({ length: 16 }, (_, i) => reading(start + i * 900_000, 100_000 + i * 10)));
    const provisional = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'provisional');
    expect(provisional.map((r) => r.symbols.invoice_id)).toContain('wm-1/2026-03-01');
  });

  it('raises a bill-variation alert when a final bill is 30 % or more above the previous one', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, ...april, tick);
    const alerts = driver.rows.filter((r) => r.table === 'alerts');
    expect(alerts.map((a) => [a.symbols.rule, a.symbols.state])).toEqual([
      ['bill-variation', 'open'],
      ['bill-variation', 'closed'],
    ]);
    const evidence = JSON.parse(alerts[0]!.values.evidence as string) as { amount: number; previousAmount: number };
    expect([evidence.amount, evidence.previousAmount]).toEqual([109.15, 24.96]);
  });

  it('warns during the period from the projected bill, before the final one, and shows the projection in the evidence', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, ...april, tick);
    const [opened, closed] = driver.rows.filter((r) => r.table === 'alerts');
    // A provisional bill is due a day of event time after the first reading since the last bill: here every
    // other day. The one of 7 April covers 6 days from 1 April 00:00 (too few: no projection); the one of
    // 9 April covers 8: 25/30 m³ a day → 6.667 m³ so far (the R$24.15 minimum), × 30/8 = 25 m³ → R$109.15,
    // 337 % above March's R$24.96.
    expect(opened!.symbols.state).toBe('open');
    expect(opened!.values.started_at).toBe(Date.UTC(2026, 3, 9));
    expect(JSON.parse(opened!.values.evidence as string)).toEqual({
      periodStart: Date.UTC(2026, 3, 1),
      periodEnd: Date.UTC(2026, 4, 1),
      amount: 109.15,
      previousAmount: 24.96,
      increase: 3.373,
      minIncrease: 0.3,
      final: false,
      projected: true,
      soFarAmount: 24.15,
      coverage: 0.2667,
      projectedConsumption: 25_000,
      unit: 'L',
      currency: 'BRL',
    });
    // The provisional invoice row carries the same projection for the API.
    const provisional = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.invoice_id === 'wm-1/2026-04-01' && r.symbols.status === 'provisional' && r.values.issued_at === Date.UTC(2026, 3, 9));
    expect(provisional.map((r) => [r.values.projected_total_cents, r.values.projected_consumption, r.values.projection_coverage])).toEqual([[10915, 25_000, 0.2667]]);
    // It closes with April's final bill, which is over the limit too.
    expect(closed!.symbols.state).toBe('closed');
    expect(JSON.parse(closed!.values.evidence as string)).toMatchObject({ amount: 109.15, final: true });
  });

  it('raises none when consumption is steady', () => {
    const steady = Array.from({ length: 30 }, (_, i) => reading(Date.UTC(2026, 3, 2) + i * day, 110_000 + (10_000 * (i + 1)) / 30));
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, ...steady, reading(Date.UTC(2026, 4, 10), 120_000));
    expect(driver.rows.filter((r) => r.table === 'alerts')).toEqual([]);
  });
});

describe('billing processor: register anomalies', () => {
  const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });

  it('raises one register-anomaly alert for an unexplained decrease, however often the bill is rewritten', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    // 1-5 March: 100,000 → 100,400 L, then 95,000 on 6 March (unexplained: no modulus, no replacement), then on.
    const values = [100_000, 100_100, 100_200, 100_300, 100_400, 95_000, 100_500, 100_600];
    driver.pipe(...values.map((v, i) => reading(Date.UTC(2026, 2, 1) + i * day, v)), reading(Date.UTC(2026, 3, 10), 101_000));
    const anomalies = driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule_kind === 'register-anomaly');
    const ids = new Set(anomalies.map((a) => a.symbols.alert_id));
    expect(ids.size).toBe(1);
    expect(anomalies[0]!.symbols.state).toBe('open');
    expect(anomalies[0]!.values.started_at).toBe(Date.UTC(2026, 2, 6));
    expect(JSON.parse(anomalies[0]!.values.evidence as string)).toMatchObject({ anomaly: 'decrease', from: 100_400, to: 95_000 });
  });
});

// A register QuestDB cannot store or no meter can show never becomes a row
// QuestDB refuses (which would stall the flush) or an absurd invoice: refused and flagged.
describe('billing processor: registers out of range', () => {
  const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
  const march = Array.from({ length: 32 }, (_, i) => reading(Date.UTC(2026, 2, 1) + i * day, 100_000 + (10_000 * i) / 31));
  const tick = reading(Date.UTC(2026, 3, 10), 111_000);

  it.each([1e25, 1e300, -5, Number.POSITIVE_INFINITY])('a register of %p is refused (late_readings with the reason, a billing-refused alert) and billing goes on unchanged', (bad) => {
    const clean = createTestDriver(processor, { allowedLatenessMs: 0 });
    clean.pipe(...march, tick);
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march.slice(0, 10), reading(Date.UTC(2026, 2, 10, 12), bad), ...march.slice(10), tick);
    expect(driver.refused).toEqual([]);
    expect(driver.late.map((l) => l.detail)).toEqual([`billing: register ${bad} L is outside [0, 1000000000000] (not finite, negative or implausible): not billed`]);
    const alerts = driver.rows.filter((r) => r.table === 'alerts');
    expect(alerts.map((a) => [a.symbols.rule, a.symbols.severity, a.ts])).toEqual([['billing-refused', 'critical', Date.UTC(2026, 2, 10, 12)]]);
    expect(JSON.parse(alerts[0]!.values.evidence as string)).toMatchObject({ reason: 'implausible-register' });
    // The invoices are those of the run without the bad reading: March = 10 m³ = 24.96.
    const invoices = (d: typeof driver) => d.rows.filter((r) => r.table === 'invoices');
    expect(invoices(driver)).toEqual(invoices(clean));
    expect(invoices(driver).find((r) => r.symbols.status === 'final')?.values.total).toBe('24.96');
  });

  it('a register jumping beyond the maximum flow is held for review with a jump alert, and bills nothing of the step', () => {
    // 1e12 L on 20 March 12:00, 12 h after 100,000 + 19 × 10,000/31 L: far beyond 10 m³/h × 12 h.
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march.slice(0, 20), reading(Date.UTC(2026, 2, 20, 12), 1e12), reading(Date.UTC(2026, 3, 10), 1e12 + 1000));
    expect(driver.refused).toEqual([]);
    const finals = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'final');
    // March bills what the meter used up to 20 March (19 × 10,000/31 L = 6.129 m³ < 10 m³: the flat first tier, 24.96).
    expect(finals.map((r) => [r.symbols.invoice_id, r.values.total, r.values.held_jumps])).toEqual([['wm-1/2026-03-01', '24.96', 1]]);
    const jumps = driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule === 'register-anomaly').map((r) => JSON.parse(r.values.evidence as string) as { anomaly: string; to: number });
    expect(jumps.length).toBeGreaterThan(0);
    expect(jumps.every((j) => j.anomaly === 'jump' && j.to === 1e12)).toBe(true);
  });

  it('an invoice beyond the amount limit is flagged, not written (a meter allowed such a flow)', () => {
    // 1e12 L (the plausibility ceiling) on 20 March: 1e9 m³ × R$10.40 ≈ R$1e10 = 1e12 cents, over the 1e10 limit.
    const unbounded = createBillingProcessor({ engine: createBillingEngine({ ...defaultBillingConfig, maxFlow: { volume: 1e12 } }), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
    const driver = createTestDriver(unbounded, { allowedLatenessMs: 0 });
    driver.pipe(...march.slice(0, 20), reading(Date.UTC(2026, 2, 20, 12), 1e12), reading(Date.UTC(2026, 3, 10), 1e12 + 1000));
    expect(driver.refused).toEqual([]);
    const invoices = driver.rows.filter((r) => r.table === 'invoices');
    for (const row of invoices) expect(Math.abs(row.values.total_cents as number)).toBeLessThanOrEqual(1e10);
    const flagged = driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule === 'billing-refused').map((r) => JSON.parse(r.values.evidence as string) as { reason: string; invoiceId: string; status: string });
    expect(flagged.some((f) => f.reason === 'invoice-out-of-range' && f.invoiceId === 'wm-1/2026-03-01' && f.status === 'final')).toBe(true);
    expect(invoices.some((r) => r.symbols.invoice_id === 'wm-1/2026-03-01' && r.symbols.status === 'final')).toBe(false);
  });
});

// Once a period's final invoice is out, a reading that rewrites one of its
// instants with another value is refused and flagged; the final invoice stands (docs/billing.md).
describe('billing processor: rewrites of a final period', () => {
  const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
  const march = Array.from({ length: 32 }, (_, i) => reading(Date.UTC(2026, 2, 1) + i * day, 100_000 + (10_000 * i) / 31));
  const tick = reading(Date.UTC(2026, 3, 10), 111_000);

  it('refuses a different value for an instant of a finally invoiced period: late_readings row with the reason, alert, no adjustment', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, tick);
    const before = driver.rows.length;
    // 15 March was 104,516.13 L; a device (or replay) now says 150,000 L for the same instant.
    const rewrite = { ...reading(Date.UTC(2026, 2, 15), 150_000), receivedAt: Date.UTC(2026, 3, 11) };
    driver.pipe(rewrite, reading(Date.UTC(2026, 3, 11), 111_100));
    const after = driver.rows.slice(before);
    expect(after.filter((r) => r.table === 'invoices' && r.symbols.invoice_id?.startsWith('wm-1/2026-03-01'))).toEqual([]);
    expect(driver.late.map((l) => l.detail)).toEqual([expect.stringMatching(/^billing: rewrites 2026-03-15T00:00:00.000Z of final period 2026-03-01 \(104516\.129\d* L → 150000 L\): refused, invoice wm-1\/2026-03-01 stands$/)]);
    const alert = after.find((r) => r.table === 'alerts' && r.symbols.rule === 'billing-refused');
    expect(JSON.parse(alert!.values.evidence as string)).toMatchObject({ reason: 'rewrite-of-final-period', invoiceId: 'wm-1/2026-03-01', to: 150_000 });
    // The same value again is a duplicate: nothing flagged.
    driver.pipe({ ...march[14]!, receivedAt: Date.UTC(2026, 3, 12) });
    expect(driver.late).toHaveLength(1);
  });

  it('a new instant in a final period is still an adjustment (late data), and a rewrite of the open period still upserts', () => {
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(...march, tick);
    driver.pipe({ ...reading(Date.UTC(2026, 2, 15, 12), 105_000), receivedAt: Date.UTC(2026, 3, 11) }, reading(Date.UTC(2026, 3, 11), 111_100));
    expect(driver.late).toEqual([]);
    // April is open: a rewrite of 10 April is a correction the next provisional bill takes.
    driver.pipe({ ...tick, register: 111_050, receivedAt: Date.UTC(2026, 3, 12) }, reading(Date.UTC(2026, 3, 13), 111_200));
    expect(driver.late).toEqual([]);
    expect(driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule === 'billing-refused')).toEqual([]);
  });
});
