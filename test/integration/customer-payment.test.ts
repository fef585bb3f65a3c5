import { createHmac } from 'node:crypto';
import type { MeterDevice } from '../../load-tests/simulator/meter-device';
import type { CommandLog } from '../../processors/command-log/command-log';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { expectedPix, paymentReferenceOf, pixKey } from './support/pix-oracle';
import { createTestPipeline, startTestCommandLog, startTestDevice, type TestPipeline, walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// Paying one's own bill, end to end (issue #14 part 3, docs/payments.md): customer A's meter
// owes an overdue invoice and the debt policy blocks it on the device; A starts a payment
// (PIX for BRL); the test acts as the payment provider and posts the signed confirmation; the
// payment is recorded once, the intent is paid, and the policy's unblock reaches the device
// over MQTT. Customer B never sees A's invoice or intent; forged, stale and malformed
// confirmations record nothing.

const secret = 'test-payment-webhook-secret-0123456789';


const startMutation = `mutation ($invoiceId: ID!, $key: String) {
  startPayment(invoiceId: $invoiceId, idempotencyKey: $key) { id invoiceId meterId amount amountCents currency reference scheme payload createdAt expiresAt state paidAt paymentId }
}`;
const intentQuery = `query ($id: ID!) { paymentIntent(id: $id) { id invoiceId state paymentId paidAt amount } }`;
const invoicesQuery = `query ($c: ID!) { invoices(customerId: $c, first: 10) { edges { node { id status totalCents paidCents balanceCents paymentIntents { id state amount paymentId } } } } }`;
const meterQuery = `query ($id: ID!) { meter(id: $id) { id status { status reason } } }`;

interface Intent {
  id: string;
  invoiceId: string;
  meterId: string;
  amount: string;
  amountCents: number;
  currency: string;
  reference: string;
  scheme: string;
  payload: string;
  createdAt: string;
  expiresAt: string;
  state: string;
  paidAt: string | null;
  paymentId: string | null;
}

interface WebhookAnswer {
  status: number;
  body: { ok: boolean; duplicate?: boolean; paymentId?: string; intentId?: string; invoiceId?: string; unblockCommandId?: string | null; error?: string; field?: string | null };
}

describe('a customer pays their own bill', () => {
  let pipeline: TestPipeline;
  let api: GraphqlHarness;
  let commandLog: CommandLog;
  let device: MeterDevice;
  let meterId: string;
  let invoiceId: string;
  let intent: Intent;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;
  const webhookUrl = () => new URL('/payments/webhook', api.url).toString();

  /** The provider: signs "<timestamp>.<body>" with the shared secret (HMAC-SHA256, hex) and posts it. */
  const deliver = async (body: string, options: { atS?: number; secret?: string; headers?: Record<string, string | null>; method?: string } = {}): Promise<WebhookAnswer> => {
    const timestamp = String(options.atS ?? Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', options.secret ?? secret).update(`${timestamp}.${body}`).digest('hex')}`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ 'content-type': 'application/json', 'x-meterflow-timestamp': timestamp, 'x-meterflow-signature': signature, ...options.headers })) if (value !== null) headers[name] = value;
    const method = options.method ?? 'POST';
    const response = await fetch(webhookUrl(), { method, headers, body: method === 'GET' ? undefined : body });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as WebhookAnswer['body'] };
  };
  const confirmation = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ providerReference: `E18236120${pipeline.runId}0001`, reference: paymentReferenceOf(invoiceId), amount: '133.22', currency: 'BRL', paidAt: new Date().toISOString(), ...over });

  const paymentRows = async () => {
    await waitFor('payments applied', () => walApplied(pipeline.questdb, 'payments'), Boolean, 20_000);
    const { rows } = await pipeline.questdb.query<{ amount_cents: string; reference: string; recorded_by: string }>(`SELECT amount_cents, reference, recorded_by FROM payments WHERE invoice_id = $1`, [invoiceId]);
    return rows.map((r) => ({ cents: Number(r.amount_cents), reference: r.reference, recordedBy: r.recorded_by }));
  };
  const intentRows = async (intentId: string) => {
    await waitFor('payment_intents applied', () => walApplied(pipeline.questdb, 'payment_intents'), Boolean, 20_000);
    const { rows } = await pipeline.questdb.query<{ state: string }>(`SELECT state FROM payment_intents WHERE intent_id = $1`, [intentId]);
    return rows.map((r) => r.state).sort();
  };
  const auditRows = async (target: string) => {
    await waitFor('audit applied', () => walApplied(pipeline.questdb, 'audit_log'), Boolean, 20_000);
    const { rows } = await pipeline.questdb.query<{ actor: string; operation: string; outcome: string; error_code: string | null }>(
      `SELECT actor, operation, outcome, error_code FROM audit_log WHERE target = $1 ORDER BY ts`,
      [target],
    );
    return rows.map((r) => [r.actor, r.operation, r.outcome, r.error_code]);
  };
  const deviceCommands = () => device.received.map((p) => JSON.parse((JSON.parse(p.toString('utf8')) as { body: string }).body) as { commandId: string; type: string });
  const meterStatus = async () => (await api.request<{ meter: { status: { status: string; reason: string | null } } }>(meterQuery, { id: meterId })).data?.meter.status;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    commandLog = await startTestCommandLog(pipeline);
    api = await startTestGraphql(pipeline, {
      MF_PAYEE_PIX_KEY: pixKey,
      MF_PAYEE_PIX_NAME: 'SANEAMENTO TESTE',
      MF_PAYEE_PIX_CITY: 'SAO PAULO',
      MF_PAYMENT_WEBHOOK_SECRET: secret,
      MF_PAYMENT_WEBHOOK_TOLERANCE_S: '300',
      // The debt policy is on (1 day after the due date); the test runs it by hand (runOnce).
      MF_POLICY_DEBT_BLOCK_DAYS: '1',
      MF_POLICY_INTERVAL_MS: '3600000',
    });
    device = await startTestDevice(pipeline, id('water-a'));
    meterId = device.meterId;
    const registered = await api.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, { id: meterId, input: { kind: 'water', customerId: api.customerIds.c1, timeZone: 'UTC' } });
    expect(registered.errors).toBeUndefined();
    invoiceId = `${meterId}/2026-01-01`;
    // Billed to A, due long ago, unpaid: 27.55 m³ at SABESP 2017 = R$133.22.
    await pipeline.questdb.query(
      `INSERT INTO invoices (ts, invoice_id, meter_id, customer_id, status, revision, period_label, period_end, issued_at, due_date, currency, consumption, consumption_unit, total_cents, total)
       VALUES ('2026-01-01T00:00:00.000000Z', $1, $2, $3, 'final', 0, '2026-01-01', '2026-02-01T00:00:00.000000Z', '2026-02-04T00:00:00.000000Z', '2026-02-10', 'BRL', 27.55, 'm3', 13322, '133.22')`,
      [invoiceId, meterId, api.customerIds.c1],
    );
    await waitFor('invoice visible', () => walApplied(pipeline.questdb, 'invoices'), Boolean, 20_000);
  });

  afterAll(async () => {
    await device?.close();
    await api?.stop();
    await commandLog?.stop();
    await pipeline?.stopAll();
  });

  it('the debt policy blocks the meter of the overdue invoice, on the device', async () => {
    expect(await api.server.policies.runOnce()).toContain(meterId);
    await waitFor('device blocked', async () => device.firmware.state.blocked, Boolean, 30_000);
    expect(deviceCommands().map((c) => c.type)).toEqual(['block']);
    await waitFor('BLOCKED for DEBT', meterStatus, (s) => s?.status === 'BLOCKED', 30_000);
    expect(await meterStatus()).toEqual({ status: 'BLOCKED', reason: 'DEBT' });
  });

  it('customer B cannot start a payment of A\'s invoice (the same answer as for no invoice), nor can an analyst', async () => {
    const foreign = await api.request(startMutation, { invoiceId, key: `${pipeline.runId}-b-1` }, api.keys.customer2);
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'invoiceId' });
    expect(foreign.data?.startPayment ?? null).toBeNull();
    const missing = await api.request(startMutation, { invoiceId: `${meterId}/2025-01-01` }, api.keys.customer2);
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'invoiceId' });
    // Nothing in the message tells the two apart but the id asked for.
    expect(foreign.errors![0]!.message.replace(invoiceId, 'X')).toBe(missing.errors![0]!.message.replace(`${meterId}/2025-01-01`, 'X'));
    const analyst = await api.request(startMutation, { invoiceId }, api.keys.analyst);
    expect(analyst.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const bad = await api.request(startMutation, { invoiceId: 'not an id!' }, api.keys.customer1);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceId' });
    expect(await auditRows(invoiceId)).toEqual([
      ['customer-2', 'startPayment', 'error', 'NOT_FOUND'],
      ['analyst', 'startPayment', 'denied', 'FORBIDDEN'],
    ]);
  });

  it('customer A starts a payment: the PIX payload for the open balance, with the invoice\'s reference; a retry is the same intent', async () => {
    const key = `${pipeline.runId}-a-1`;
    const started = await api.request<{ startPayment: Intent }>(startMutation, { invoiceId, key }, api.keys.customer1);
    expect(started.errors).toBeUndefined();
    intent = started.data!.startPayment;
    expect(intent).toMatchObject({ invoiceId, meterId, amount: '133.22', amountCents: 13_322, currency: 'BRL', reference: paymentReferenceOf(invoiceId), scheme: 'PIX', state: 'OPEN', paidAt: null, paymentId: null });
    expect(intent.payload).toBe(expectedPix(invoiceId, '133.22'));
    expect(Date.parse(intent.expiresAt) - Date.parse(intent.createdAt)).toBe(86_400_000);
    // The same key again, and another key for the same balance: one intent.
    const retried = await api.request<{ startPayment: Intent }>(startMutation, { invoiceId, key }, api.keys.customer1);
    expect(retried.data!.startPayment).toEqual(intent);
    const again = await api.request<{ startPayment: Intent }>(startMutation, { invoiceId, key: `${pipeline.runId}-a-2` }, api.keys.customer1);
    expect(again.data!.startPayment.id).toBe(intent.id);
    expect(await intentRows(intent.id)).toEqual(['open']);

    // A sees it on the invoice and by id; B does not, by id, as if it did not exist.
    const mine = await api.request<{ invoices: { edges: { node: { id: string; paymentIntents: { id: string; state: string }[] } }[] } }>(invoicesQuery, { c: api.customerIds.c1 }, api.keys.customer1);
    expect(mine.data!.invoices.edges.find((e) => e.node.id === invoiceId)!.node.paymentIntents).toEqual([{ id: intent.id, state: 'OPEN', amount: '133.22', paymentId: null }]);
    expect((await api.request(intentQuery, { id: intent.id }, api.keys.customer1)).data).toEqual({ paymentIntent: { id: intent.id, invoiceId, state: 'OPEN', paymentId: null, paidAt: null, amount: '133.22' } });
    const theirs = await api.request(intentQuery, { id: intent.id }, api.keys.customer2);
    expect(theirs.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(theirs.data?.paymentIntent ?? null).toBeNull();
    expect((await api.request(invoicesQuery, { c: api.customerIds.c1 }, api.keys.customer2)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('forged, stale, early, malformed, oversized and unmatched confirmations are refused and record nothing', async () => {
    const body = confirmation({ providerReference: `forged-${pipeline.runId}` });
    const now = Math.floor(Date.now() / 1000);
    expect(await deliver(body, { secret: 'not-the-shared-secret-0123456789' })).toEqual({ status: 401, body: { ok: false, error: 'signature does not match' } });
    // Signed for one body, sent with another (amount changed in transit).
    const signedFor = await deliver(body, { headers: { 'x-meterflow-signature': `sha256=${createHmac('sha256', secret).update(`${now}.${confirmation({ amount: '1.00' })}`).digest('hex')}`, 'x-meterflow-timestamp': String(now) } });
    expect(signedFor.status).toBe(401);
    const stale = await deliver(body, { atS: now - 301 });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/old; the replay window is 300 s$/);
    expect((await deliver(body, { atS: now + 400 })).status).toBe(401);
    expect((await deliver(body, { headers: { 'x-meterflow-signature': null } })).body).toEqual({ ok: false, error: 'missing x-meterflow-signature header' });
    expect((await deliver(body, { headers: { 'x-meterflow-timestamp': null } })).status).toBe(401);

    const malformed = await deliver(confirmation({ providerReference: `bad-${pipeline.runId}`, amount: 133.22 }));
    expect(malformed).toEqual({ status: 400, body: { ok: false, error: 'amount: must be a string, got number', field: 'amount' } });
    expect((await deliver('{"providerReference":')).body).toMatchObject({ field: 'body' });
    expect((await deliver(`{"pad":"${'x'.repeat(17 * 1024)}"}`)).status).toBe(413);
    expect((await deliver(body, { method: 'GET' })).status).toBe(405);

    // Signed and well-formed, but not what an intent asks for.
    const unknown = await deliver(confirmation({ providerReference: `unknown-${pipeline.runId}`, reference: paymentReferenceOf(`${meterId}/1999-01-01`) }));
    expect(unknown).toMatchObject({ status: 422, body: { ok: false, field: 'reference' } });
    const short = await deliver(confirmation({ providerReference: `short-${pipeline.runId}`, amount: '133.21' }));
    expect(short).toMatchObject({ status: 422, body: { ok: false, field: 'amount' } });
    expect(short.body.error).toContain('133.22 BRL');
    const otherCurrency = await deliver(confirmation({ providerReference: `eur-${pipeline.runId}`, currency: 'EUR' }));
    expect(otherCurrency).toMatchObject({ status: 422, body: { field: 'currency' } });

    expect(await paymentRows()).toEqual([]);
    expect(await intentRows(intent.id)).toEqual(['open']);
    expect(await meterStatus()).toEqual({ status: 'BLOCKED', reason: 'DEBT' });
    expect(deviceCommands().map((c) => c.type)).toEqual(['block']);
    // The refusals that reached a confirmation are audited as the provider's (the others never got past the signature or the body).
    expect((await auditRows(invoiceId)).filter((a) => a[1] === 'confirmPayment')).toEqual([
      ['payment-provider', 'confirmPayment', 'error', 'CONFLICT'],
      ['payment-provider', 'confirmPayment', 'error', 'CONFLICT'],
    ]);
  });

  it('the signed confirmation records the payment once, pays the intent and unblocks the meter on the device; a redelivery adds nothing', async () => {
    const providerReference = `E18236120${pipeline.runId}0001`;
    const body = confirmation({ providerReference, paidAt: '2026-12-01T16:05:00Z' });
    const first = await deliver(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, duplicate: false, intentId: intent.id, invoiceId });
    expect(first.body.paymentId).toMatch(/^pay-[0-9a-f]{24}$/);
    expect(first.body.unblockCommandId).toMatch(/^cmd-/);

    expect(await paymentRows()).toEqual([{ cents: 13_322, reference: providerReference, recordedBy: 'payment-provider' }]);
    const invoices = await api.request<{ invoices: { edges: { node: { id: string; paidCents: number; balanceCents: number; paymentIntents: { state: string; paymentId: string }[] } }[] } }>(invoicesQuery, { c: api.customerIds.c1 }, api.keys.customer1);
    const node = invoices.data!.invoices.edges.find((e) => e.node.id === invoiceId)!.node;
    expect({ paidCents: node.paidCents, balanceCents: node.balanceCents }).toEqual({ paidCents: 13_322, balanceCents: 0 });
    expect(node.paymentIntents).toEqual([{ id: intent.id, state: 'PAID', amount: '133.22', paymentId: first.body.paymentId }]);
    expect((await api.request<{ paymentIntent: Record<string, unknown> }>(intentQuery, { id: intent.id }, api.keys.customer1)).data!.paymentIntent).toMatchObject({ state: 'PAID', paymentId: first.body.paymentId, paidAt: '2026-12-01T16:05:00.000Z' });
    expect(await intentRows(intent.id)).toEqual(['open', 'paid']);

    // The debt policy's unblock, delivered to the device over MQTT and applied.
    await waitFor('device unblocked', async () => !device.firmware.state.blocked, Boolean, 30_000);
    expect(deviceCommands().map((c) => [c.type, c.commandId])).toEqual([
      ['block', deviceCommands()[0]!.commandId],
      ['unblock', first.body.unblockCommandId],
    ]);
    await waitFor('ACTIVE again', meterStatus, (s) => s?.status === 'ACTIVE', 30_000);
    expect(await auditRows(meterId)).toEqual([
      ['admin', 'registerMeter', 'ok', null],
      ['policy', 'blockMeter', 'ok', null],
      ['policy', 'unblockMeter', 'ok', null],
    ]);

    // Redelivered (fresh timestamp, then byte for byte the same request again): the same payment, nothing new.
    const again = await deliver(body);
    expect(again).toEqual({ status: 200, body: { ...first.body, duplicate: true, unblockCommandId: expect.anything() } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    for (let i = 0; i < 2; i++) {
      const replay = await deliver(body, { headers: { 'x-meterflow-timestamp': timestamp, 'x-meterflow-signature': signature } });
      expect(replay.body).toMatchObject({ ok: true, duplicate: true, paymentId: first.body.paymentId });
    }
    // The customer pays the same QR code a second time: over the balance, refused, not recorded.
    const twice = await deliver(confirmation({ providerReference: `E18236120${pipeline.runId}0002` }));
    expect(twice).toMatchObject({ status: 422, body: { ok: false, field: 'amount' } });
    expect(await paymentRows()).toEqual([{ cents: 13_322, reference: providerReference, recordedBy: 'payment-provider' }]);
    expect(await intentRows(intent.id)).toEqual(['open', 'paid']);
    expect(deviceCommands().map((c) => c.type)).toEqual(['block', 'unblock']);
    const audit = (await auditRows(invoiceId)).filter((a) => a[1] === 'confirmPayment').slice(2);
    expect(audit).toEqual([
      ['payment-provider', 'confirmPayment', 'ok', null],
      ['payment-provider', 'confirmPayment', 'ok', null],
      ['payment-provider', 'confirmPayment', 'ok', null],
      ['payment-provider', 'confirmPayment', 'ok', null],
      ['payment-provider', 'confirmPayment', 'error', 'BAD_USER_INPUT'],
    ]);

    // Nothing left to pay.
    const nothing = await api.request(startMutation, { invoiceId }, api.keys.customer1);
    expect(nothing.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'invoiceId' });
  });
});
