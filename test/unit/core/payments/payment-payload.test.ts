import { paymentPayloadFor, paymentReference } from '../../../../core/payments/payment-payload';
import { noPayee, type Payee } from '../../../../core/payments/payee';
import { paymentUrl } from '../../../../core/payments/payment-url';
import { pixCrcMatches } from '../../../../core/payments/pix-payload';

const payee: Payee = {
  pix: { key: 'contas@example.com.br', merchantName: 'SANEAMENTO EXEMPLO', merchantCity: 'SAO PAULO' },
  sepa: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', beneficiaryName: 'Stadtwerke Musterstadt' },
  urlTemplate: 'https://pay.example.com/i/{invoiceId}?ref={reference}&amount={amount}&cur={currency}',
};

describe('paymentPayloadFor', () => {
  const invoiceId = 'meter-1/2026-01-01';

  it('uses PIX for BRL, with the amount, the reference as txid and a valid CRC', () => {
    const p = paymentPayloadFor(payee, { invoiceId, currency: 'BRL', amountCents: 13322 })!;
    expect(p.scheme).toBe('PIX');
    expect(p.reference).toBe(paymentReference(invoiceId));
    expect(p.payload).toContain('5406133.22');
    expect(p.payload).toContain(`62290525${p.reference}6304`);
    expect(pixCrcMatches(p.payload)).toBe(true);
  });

  it('uses the EPC QR for EUR, with the amount and the reference in the remittance text', () => {
    const p = paymentPayloadFor(payee, { invoiceId, currency: 'EUR', amountCents: 4250 })!;
    expect(p.scheme).toBe('EPC');
    expect(p.payload.split('\n')).toEqual(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Stadtwerke Musterstadt', 'DE89370400440532013000', 'EUR42.50', '', '', `${p.reference} invoice ${invoiceId}`]);
  });

  it('uses the payment URL for other currencies, values percent-encoded', () => {
    const p = paymentPayloadFor(payee, { invoiceId, currency: 'usd', amountCents: 999 })!;
    expect(p.scheme).toBe('URL');
    expect(p.payload).toBe(`https://pay.example.com/i/meter-1%2F2026-01-01?ref=${p.reference}&amount=9.99&cur=USD`);
  });

  it('falls back to the URL when the currency\'s scheme is not configured, and to nothing without one', () => {
    expect(paymentPayloadFor({ ...payee, pix: null }, { invoiceId, currency: 'BRL', amountCents: 100 })!.scheme).toBe('URL');
    expect(paymentPayloadFor({ ...noPayee, pix: payee.pix }, { invoiceId, currency: 'EUR', amountCents: 100 })).toBeNull();
    expect(paymentPayloadFor(noPayee, { invoiceId, currency: 'BRL', amountCents: 100 })).toBeNull();
  });

  it('has nothing to pay for a credit or a zero invoice', () => {
    expect(paymentPayloadFor(payee, { invoiceId, currency: 'BRL', amountCents: 0 })).toBeNull();
    expect(paymentPayloadFor(payee, { invoiceId, currency: 'EUR', amountCents: -500 })).toBeNull();
  });

  it('derives a deterministic 25-character alphanumeric reference per invoice', () => {
    const a = paymentReference(invoiceId);
    expect(a).toMatch(/^MF[0-9A-F]{23}$/);
    expect(paymentReference(invoiceId)).toBe(a);
    expect(paymentReference('meter-1/2026-01-01/adj-1')).not.toBe(a);
  });
});

describe('paymentUrl', () => {
  it('refuses unknown placeholders, a template naming no invoice, and non-http URLs', () => {
    const args = { invoiceId: 'i', reference: 'r', amountCents: 1, currency: 'USD' };
    expect(() => paymentUrl({ ...args, template: 'https://x.example/{invoice}' })).toThrow(/unknown placeholder \{invoice\}/);
    expect(() => paymentUrl({ ...args, template: 'https://x.example/pay?a={amount}' })).toThrow(/must name the invoice/);
    expect(() => paymentUrl({ ...args, template: 'javascript:alert({invoiceId})' })).toThrow(/http or https/);
  });
});
