import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline, walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// A payment must never count twice, whether the same payInvoice arrives twice at
// once on one API instance (check-then-write race) or on two instances (QuestDB's WAL delay and
// per-replica caches hide the first write from the second).
const payMutation = `mutation ($invoiceId: ID!, $amount: String!, $reference: String!) {
  payInvoice(invoiceId: $invoiceId, amount: $amount, reference: $reference) { id amountCents recordedAt }
}`;

describe('payInvoice under concurrency', () => {
  let pipeline: TestPipeline;
  let first: GraphqlHarness;
  let second: GraphqlHarness;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;

  const insertInvoice = async (invoiceId: string, meterId: string) => {
    await pipeline.questdb.query(
      `INSERT INTO invoices (ts, invoice_id, meter_id, status, revision, period_label, period_end, issued_at, due_date, currency, consumption, consumption_unit, total_cents, total)
       VALUES ('2026-01-01T00:00:00.000000Z', $1, $2, 'final', 0, '2026-01', '2026-02-01T00:00:00.000000Z', '2026-02-04T00:00:00.000000Z', '2099-01-10', 'BRL', 27.55, 'm3', 13322, '133.22')`,
      [invoiceId, meterId],
    );
  };
  const stored = async (invoiceId: string) => {
    await waitFor('payments applied', () => walApplied(pipeline.questdb, 'payments'), Boolean, 20_000);
    const { rows } = await pipeline.questdb.query<{ n: string; cents: string | null }>(`SELECT count() n, sum(amount_cents) cents FROM payments WHERE invoice_id = $1`, [invoiceId]);
    return { n: Number(rows[0]!.n), cents: Number(rows[0]!.cents ?? 0) };
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    [first, second] = await Promise.all([startTestGraphql(pipeline), startTestGraphql(pipeline)]);
    await insertInvoice(`${id('one')}/2026-01`, id('one'));
    await insertInvoice(`${id('two')}/2026-01`, id('two'));
    await waitFor('invoices visible', () => walApplied(pipeline.questdb, 'invoices'), Boolean, 20_000);
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await pipeline?.stopAll();
  });

  it('stores one payment when the same invoice and reference are paid five times at once on one instance', async () => {
    const invoiceId = `${id('one')}/2026-01`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => first.request<{ payInvoice: { id: string } }>(payMutation, { invoiceId, amount: '50.00', reference: 'bank-race' })));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data!.payInvoice.id)).size).toBe(1);
    expect(await stored(invoiceId)).toEqual({ n: 1, cents: 5_000 });
  });

  it('stores one payment when two API instances record the same payment at once', async () => {
    const invoiceId = `${id('two')}/2026-01`;
    const answers = await Promise.all([
      first.request<{ payInvoice: { id: string } }>(payMutation, { invoiceId, amount: '70.00', reference: 'bank-twice' }),
      second.request<{ payInvoice: { id: string } }>(payMutation, { invoiceId, amount: '70.00', reference: 'bank-twice' }),
    ]);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(answers[0].data!.payInvoice.id).toBe(answers[1].data!.payInvoice.id);
    expect(await stored(invoiceId)).toEqual({ n: 1, cents: 7_000 });
    // Both instances count the payment once in the balance: 133.22 - 70.00 = 63.22 left, not -6.78.
    for (const api of [first, second]) {
      const over = await api.request(payMutation, { invoiceId, amount: '63.23', reference: 'bank-over' });
      expect(over.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
      expect(over.errors![0]!.message).toContain('63.22');
    }
  });
});
