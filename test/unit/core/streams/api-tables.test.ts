import { auditEntryToRow, auditLogTable } from '../../../../core/streams/audit-log';
import { meterRegistrationToRow, meterRegistryTable } from '../../../../core/streams/meter-registry';
import { paymentIntentFromSql, paymentIntentsTable, paymentIntentToRow, type PaymentIntentRecord } from '../../../../core/streams/payment-intents';
import { paymentsTable, paymentToRow } from '../../../../core/streams/payments';

// The tables only the API writes: each module's row codec against rows worked out by hand.
describe('row codecs of the API-written tables', () => {
  it('keeps a registry change as a new row at its change time, absent symbols left out', () => {
    const row = meterRegistrationToRow({ meterId: 'm1', kind: 'water', sector: null, customerId: 'c9', timeZone: 'America/Sao_Paulo', reportingIntervalS: 900, tariffId: null, label: null, registeredAt: 1_000, changedAt: 5_000, changedBy: 'admin', registerModulus: 1e6, billingCycleDay: 15, maxFlowPerHour: null, serviceStart: 2_000, serviceEnd: null, registerMultiplier: 40 });
    expect(row).toEqual({
      table: 'meter_registry',
      ts: 5_000,
      symbols: { meter_id: 'm1', kind: 'water', customer_id: 'c9', time_zone: 'America/Sao_Paulo' },
      values: { reporting_interval_s: 900, label: null, registered_at: 1_000, changed_by: 'admin', register_modulus: 1e6, billing_cycle_day: 15, max_flow_per_hour: null, service_start: 2_000, service_end: null, register_multiplier: 40 },
      types: { reporting_interval_s: 'long', registered_at: 'timestamp', billing_cycle_day: 'long', service_start: 'timestamp', service_end: 'timestamp' },
    });
    expect(meterRegistryTable.ddl).toContain('DEDUP UPSERT KEYS(ts, meter_id)');
  });

  it('writes a payment at its invoice period start, not at the clock, so replicas write one key', () => {
    const row = paymentToRow({ paymentId: 'p1', invoiceId: 'm1/2026-03-01', meterId: 'm1', periodStart: 2_000, amountCents: 12803, currency: 'BRL', reference: 'pix-42', recordedBy: 'cashier', recordedAt: 9_999 });
    expect(row.ts).toBe(2_000);
    expect(row.symbols).toEqual({ payment_id: 'p1', invoice_id: 'm1/2026-03-01', meter_id: 'm1', currency: 'BRL' });
    expect(row.values).toEqual({ amount_cents: 12803, reference: 'pix-42', recorded_by: 'cashier', recorded_at: 9_999 });
    expect(row.types).toEqual({ amount_cents: 'long', recorded_at: 'timestamp' });
    expect(paymentsTable.ddl).toContain('DEDUP UPSERT KEYS(ts, payment_id)');
  });

  it('writes a payment intent state at its invoice period start, keyed by intent and state, and reads it back', () => {
    const open: PaymentIntentRecord = {
      intentId: 'pi-1',
      state: 'open',
      invoiceId: 'm1/2026-03-01',
      meterId: 'm1',
      customerId: null,
      reference: 'MF0A1B2C3D4E5F60718293A4B',
      currency: 'BRL',
      scheme: 'PIX',
      amountCents: 13322,
      payload: '000201…6304ABCD',
      createdBy: 'customer-1',
      createdAt: 5_000,
      expiresAt: 6_000,
      periodStart: 2_000,
      paymentId: null,
      providerReference: null,
      paidAt: null,
      writtenAt: 5_001,
    };
    const row = paymentIntentToRow(open);
    expect(row).toEqual({
      table: 'payment_intents',
      ts: 2_000,
      // No customer named: the symbol is left out (stored as NULL).
      symbols: { intent_id: 'pi-1', state: 'open', invoice_id: 'm1/2026-03-01', meter_id: 'm1', reference: 'MF0A1B2C3D4E5F60718293A4B', currency: 'BRL', scheme: 'PIX' },
      values: { amount_cents: 13322, payload: '000201…6304ABCD', created_by: 'customer-1', created_at: 5_000, expires_at: 6_000, payment_id: null, provider_reference: null, paid_at: null, written_at: 5_001 },
      types: { amount_cents: 'long', created_at: 'timestamp', expires_at: 'timestamp', paid_at: 'timestamp', written_at: 'timestamp' },
    });
    expect(paymentIntentsTable.ddl).toContain('DEDUP UPSERT KEYS(ts, intent_id, state)');
    const paid = { ...open, state: 'paid' as const, customerId: 'c9', paymentId: 'pay-1', providerReference: 'E123', paidAt: 5_500, writtenAt: 5_600 };
    expect(paymentIntentToRow(paid).symbols).toMatchObject({ state: 'paid', customer_id: 'c9' });
    const back = paymentIntentFromSql({
      ts: new Date(2_000),
      intent_id: 'pi-1',
      state: 'paid',
      invoice_id: 'm1/2026-03-01',
      meter_id: 'm1',
      customer_id: 'c9',
      reference: 'MF0A1B2C3D4E5F60718293A4B',
      currency: 'BRL',
      scheme: 'PIX',
      amount_cents: '13322',
      payload: '000201…6304ABCD',
      created_by: 'customer-1',
      created_at: new Date(5_000),
      expires_at: new Date(6_000),
      payment_id: 'pay-1',
      provider_reference: 'E123',
      paid_at: new Date(5_500),
      written_at: new Date(5_600),
    });
    expect(back).toEqual(paid);
  });

  it('audits a denied mutation with its error code and without result or idempotency key', () => {
    const row = auditEntryToRow({ at: 7, requestId: 'r1', actor: 'bob', role: 'viewer', operation: 'blockMeter', target: 'm1', args: '{"meterId":"m1"}', outcome: 'denied', errorCode: 'FORBIDDEN', result: null, idempotencyKey: null });
    expect(row).toEqual({
      table: 'audit_log',
      ts: 7,
      symbols: { request_id: 'r1', role: 'viewer', operation: 'blockMeter', outcome: 'denied', error_code: 'FORBIDDEN' },
      values: { actor: 'bob', target: 'm1', args: '{"meterId":"m1"}', result: null, idempotency_key: null },
    });
    expect(auditLogTable.ddl).toContain('DEDUP UPSERT KEYS(ts, request_id)');
  });
});
