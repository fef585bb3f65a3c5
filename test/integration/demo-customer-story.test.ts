import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCustomerStory, type CustomerStory } from '../../deploy/demo-customer-story';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { expectedPix, pixKey } from './support/pix-oracle';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// What `npm run demo` shows a newcomer (issue #14, "done means"): the customer story run on the
// test stack — a household meter's history imported by the import command, billed by the real
// processors, a savings recommendation, the invoice PDF whose QR code (decoded by zbarimg) is
// the PIX payload, and a payment the customer starts and the provider's signed webhook records.

const secret = 'demo-story-webhook-secret-0123456789';

describe('the demo\'s customer story', () => {
  let pipeline: TestPipeline;
  let api: GraphqlHarness;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let story: CustomerStory;
  const say = jest.fn<void, [string]>();

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    api = await startTestGraphql(pipeline, { MF_PAYEE_PIX_KEY: pixKey, MF_PAYEE_PIX_NAME: 'SANEAMENTO TESTE', MF_PAYEE_PIX_CITY: 'SAO PAULO', MF_PAYMENT_WEBHOOK_SECRET: secret });
    harness = await startTestProcessors(pipeline, { MF_BILLING_REGISTRY_SYNC_MS: '1000', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    story = await runCustomerStory({
      graphqlUrl: new URL('/graphql', api.url).toString(),
      adminKey: api.keys.admin,
      customerKey: api.keys.customer1,
      customerId: api.customerIds.c1,
      webhookSecret: secret,
      registrySyncMs: 1000,
      meterId: `${pipeline.runId}-home`,
      env: { ...process.env, ...pipeline.env },
      say,
    });
  }, 300_000);

  afterAll(async () => {
    await harness?.stop();
    await api?.stop();
    await pipeline?.stopAll();
  });

  it('bills the imported history and recommends a saving', () => {
    expect(story.invoiceId).toMatch(new RegExp(`^${pipeline.runId}-home/\\d{4}-\\d{2}-01$`));
    expect(story.recommendationKinds.length).toBeGreaterThan(0);
    expect(story.lines.join('\n')).toContain(`recommendations ${story.recommendationKinds[0]}:`);
    expect(say.mock.calls.some(([line]) => line.includes('npm run import --'))).toBe(true);
  });

  it('saves the invoice PDF, whose QR code is the invoice\'s PIX payload byte for byte', async () => {
    expect(story.pdfFile).not.toBeNull();
    expect(existsSync(story.pdfFile!)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mf-demo-pdf-'));
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', story.pdfFile!, join(dir, 'page')]);
    const decoded = execFileSync('zbarimg', ['-q', '--raw', join(dir, 'page-1.png')]).toString('utf8').trim();
    // The invoice's amount, from QuestDB, and the payee above give the oracle's BR Code.
    const { rows } = await pipeline.questdb.query<{ total: string }>(`SELECT total FROM invoices WHERE invoice_id = $1`, [story.invoiceId]);
    const oracle = expectedPix(story.invoiceId, rows[0]!.total);
    expect(decoded).toBe(oracle);
    expect(story.paymentPayload).toBe(oracle);
  });

  it('records the customer\'s payment once, through the provider\'s webhook, and the balance is 0', async () => {
    expect(story.paid).toBe(true);
    await waitFor('payments applied', () => walApplied(pipeline.questdb, 'payments'), Boolean, 20_000);
    const { rows } = await pipeline.questdb.query<{ amount_cents: string | number; recorded_by: string; payment_id: string }>(`SELECT amount_cents, recorded_by, payment_id FROM payments WHERE invoice_id = $1`, [story.invoiceId]);
    const invoice = await pipeline.questdb.query<{ total_cents: string | number }>(`SELECT total_cents FROM invoices WHERE invoice_id = $1`, [story.invoiceId]);
    expect(rows.map((r) => [Number(r.amount_cents), r.recorded_by, r.payment_id])).toEqual([[Number(invoice.rows[0]!.total_cents), 'payment-provider', story.paymentId]]);
  });
});
