import { overdueCents, type InvoiceBalance } from '../../../../graphql/billing/invoice-balances';
import { parseAmountCents } from '../../../../graphql/billing/parse-amount';
import { formatCents } from '../../../../core/units/money';
import { createIdempotencyCache } from '../../../../graphql/mutations/idempotency-cache';
import { debtorsFromBalances } from '../../../../graphql/policies/debt-policy';
import { validateMeterInput, validateServicePeriod } from '../../../../graphql/schema/meter-registry/meter-input';
import { isTimeZone } from '../../../../graphql/schema/readings/time-zone';

describe('money amounts as decimal strings', () => {
  it.each([
    ['133.22', 13322],
    ['133.2', 13320],
    ['7', 700],
    [' 0.05 ', 5],
  ])('%j is %i cents', (text, cents) => expect(parseAmountCents(text)).toBe(cents));

  it.each(['-1', '1.234', '1,50', 'abc', '', '1e3', '.5'])('%j is refused', (text) => expect(parseAmountCents(text)).toBeNull());

  it('formats cents back, credits with a sign', () => {
    expect(formatCents(13322)).toBe('133.22');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-819)).toBe('-8.19');
  });
});

describe('idempotency cache', () => {
  it('returns the first attempt while it runs and after, until the TTL passes', async () => {
    let t = 0;
    const cache = createIdempotencyCache(1000, 100, () => t);
    let finish!: (v: unknown) => void;
    cache.track('k', new Promise((resolve) => (finish = resolve)));
    const waiting = cache.get('k');
    expect(waiting).toBeDefined();
    finish({ commandId: 'c1' });
    await expect(waiting).resolves.toEqual({ commandId: 'c1' });
    t = 999;
    await expect(cache.get('k')).resolves.toEqual({ commandId: 'c1' });
    t = 1000;
    expect(cache.get('k')).toBeUndefined();
  });

  it('forgets a failed attempt so a retry runs again', async () => {
    const cache = createIdempotencyCache(1000);
    const failed = Promise.reject(new Error('kafka down'));
    cache.track('k', failed);
    await expect(failed).rejects.toThrow('kafka down');
    await new Promise((r) => setImmediate(r));
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = createIdempotencyCache(60_000, 2, () => 0);
    for (const k of ['a', 'b', 'c']) cache.track(k, Promise.resolve(k));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});

describe('debt policy: which meters owe money', () => {
  const invoice = (meterId: string, invoiceId: string, balanceCents: number, dueDate = '2026-01-10') => ({ meterId, invoiceId, balanceCents, dueDate });

  it('sums a meter\'s overdue balances, credits included, and keeps positive sums', () => {
    const debtors = debtorsFromBalances([
      invoice('m1', 'm1/2026-01', 13322),
      invoice('m1', 'm1/2025-12/adj-1', -819, '2026-01-05'),
      invoice('m2', 'm2/2026-01', 5000),
      invoice('m2', 'm2/2026-01/adj-1', -5000),
      invoice('m3', 'm3/2026-01', 0),
    ]);
    // m1: 133.22 - 8.19 = 125.03; m2 settled by its credit; m3 paid.
    expect(debtors).toEqual([{ meterId: 'm1', overdueCents: 12503, invoiceId: 'm1/2026-01' }]);
  });

  it('names the oldest unpaid invoice as the cause', () => {
    const debtors = debtorsFromBalances([invoice('m1', 'm1/2026-02', 100, '2026-02-10'), invoice('m1', 'm1/2026-01', 100, '2026-01-10')]);
    expect(debtors[0]!.invoiceId).toBe('m1/2026-01');
  });

  it('counts only the current owner\'s debt: a customer who moved out never gets the new one blocked', () => {
    const owed = (customerId: string | null, invoiceId: string, cents: number) => ({ ...invoice('m1', invoiceId, cents), customerId });
    const balances = [owed('c-old', 'm1/2026-01', 9000), owed('c-new', 'm1/2026-01/from-2026-01-16', 2500), owed(null, 'm1/2025-12', 100)];
    // c-new lives there now: its 25.00 and the unnamed 1.00 count, c-old's 90.00 does not.
    expect(debtorsFromBalances(balances, () => 'c-new')).toEqual([{ meterId: 'm1', overdueCents: 2600, invoiceId: 'm1/2025-12' }]);
    // Vacant (nobody owns it): only unnamed invoices count.
    expect(debtorsFromBalances(balances, () => null)).toEqual([{ meterId: 'm1', overdueCents: 100, invoiceId: 'm1/2025-12' }]);
  });

  it('counts as overdue only what was due before today', () => {
    const balances: InvoiceBalance[] = [
      { invoiceId: 'a', meterId: 'm', status: 'final', currency: 'BRL', totalCents: 1000, paidCents: 0, balanceCents: 1000, dueDate: '2026-03-09', periodStart: new Date(0), customerId: null },
      { invoiceId: 'b', meterId: 'm', status: 'final', currency: 'BRL', totalCents: 700, paidCents: 200, balanceCents: 500, dueDate: '2026-03-10', periodStart: new Date(0), customerId: null },
    ];
    expect(overdueCents(balances, '2026-03-10')).toBe(1000);
    expect(overdueCents(balances, '2026-03-11')).toBe(1500);
  });
});

describe('meter input checks name the field', () => {
  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'input.timeZone'],
    [{ reportingIntervalS: 0 }, 'input.reportingIntervalS'],
    [{ reportingIntervalS: 1.5 }, 'input.reportingIntervalS'],
    [{ sector: 'has space' }, 'input.sector'],
    [{ customerId: '' }, 'input.customerId'],
    [{ label: 'x'.repeat(201) }, 'input.label'],
    [{ registerModulus: 0 }, 'input.registerModulus'],
    [{ registerModulus: Number.POSITIVE_INFINITY }, 'input.registerModulus'],
    [{ billingCycleDay: 29 }, 'input.billingCycleDay'],
    [{ billingCycleDay: 1.5 }, 'input.billingCycleDay'],
    [{ maxFlowPerHour: -3 }, 'input.maxFlowPerHour'],
    [{ serviceStart: new Date(-1) }, 'input.serviceStart'],
    [{ serviceEnd: new Date(Date.UTC(2300, 0, 1)) }, 'input.serviceEnd'],
  ])('%j → BAD_USER_INPUT on %s', (input, field) => {
    expect(() => validateMeterInput(input)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
  });

  it('accepts billing settings within the limits, and refuses a service end not after its start', () => {
    expect(() => validateMeterInput({ registerModulus: 1e6, billingCycleDay: 28, maxFlowPerHour: 3125, serviceStart: new Date(0), serviceEnd: new Date(1) })).not.toThrow();
    expect(() => validateServicePeriod(new Date(10), new Date(10))).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.serviceEnd' }) }));
  });

  it('accepts IANA zones and refuses others', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Sao Paulo')).toBe(false);
  });
});
