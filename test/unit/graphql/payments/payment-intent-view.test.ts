import { createHash } from 'node:crypto';
import type { PaymentIntentRecord } from '../../../../core/streams/payment-intents';
import { intentIdOf } from '../../../../graphql/payments/payment-intents';
import { intentView } from '../../../../graphql/schema/payment-intents/resolvers';

describe('payment intents', () => {
  const open: PaymentIntentRecord = {
    intentId: intentIdOf('m1/2026-01-01', 13_322),
    state: 'open',
    invoiceId: 'm1/2026-01-01',
    meterId: 'm1',
    customerId: 'c1',
    reference: 'MF0A1B2C3D4E5F60718293A4B',
    currency: 'BRL',
    scheme: 'PIX',
    amountCents: 13_322,
    payload: '00020126…',
    createdBy: 'customer-1',
    createdAt: Date.parse('2026-12-01T12:00:00Z'),
    expiresAt: Date.parse('2026-12-02T12:00:00Z'),
    periodStart: Date.parse('2026-01-01T00:00:00Z'),
    paymentId: null,
    providerReference: null,
    paidAt: null,
    writtenAt: Date.parse('2026-12-01T12:00:00Z'),
  };

  it('is identified by invoice and amount: the same balance is the same intent, another balance another', () => {
    expect(intentIdOf('m1/2026-01-01', 13_322)).toBe(`pi-${createHash('sha256').update('m1/2026-01-01\u000013322').digest('hex').slice(0, 24)}`);
    expect(intentIdOf('m1/2026-01-01', 13_322)).toBe(open.intentId);
    expect(intentIdOf('m1/2026-01-01', 3_322)).not.toBe(open.intentId);
    expect(intentIdOf('m1/2026-02-01', 13_322)).not.toBe(open.intentId);
  });

  it('shows OPEN until expiresAt, EXPIRED from then on, PAID once paid whatever the time', () => {
    expect(intentView(open, open.expiresAt - 1).state).toBe('OPEN');
    expect(intentView(open, open.expiresAt).state).toBe('EXPIRED');
    const paid = { ...open, state: 'paid' as const, paymentId: 'pay-1', providerReference: 'E1', paidAt: Date.parse('2026-12-03T08:00:00Z') };
    expect(intentView(paid, open.expiresAt + 86_400_000)).toEqual({
      id: open.intentId,
      invoiceId: 'm1/2026-01-01',
      meterId: 'm1',
      amount: '133.22',
      amountCents: 13_322,
      currency: 'BRL',
      reference: 'MF0A1B2C3D4E5F60718293A4B',
      scheme: 'PIX',
      payload: '00020126…',
      createdAt: new Date('2026-12-01T12:00:00Z'),
      expiresAt: new Date('2026-12-02T12:00:00Z'),
      state: 'PAID',
      paidAt: new Date('2026-12-03T08:00:00Z'),
      paymentId: 'pay-1',
    });
  });
});
