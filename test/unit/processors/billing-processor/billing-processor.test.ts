import type { Reading } from '../../../../core/contracts';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../../../../processors/billing/billing-processor';
import { createBillingEngine } from '../../../../processors/billing/billing-state';
import { defaultBillingConfig } from '../../../../processors/billing/default-billing-config';
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
