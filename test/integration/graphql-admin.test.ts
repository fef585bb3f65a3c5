import type { MeterDevice } from '../../load-tests/simulator/meter-device';
import type { CommandLog } from '../../processors/command-log/command-log';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, startTestCommandLog, startTestDevice, type TestPipeline, walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// The API's admin side: registry mutations, alert acknowledge/close, payments, the audit log,
// idempotency keys, and the debt policy blocking a debtor and unblocking it once paid.
const registerMutation = `mutation ($meterId: ID!, $input: MeterInput!, $key: String) {
  registerMeter(meterId: $meterId, input: $input, idempotencyKey: $key) { id kind sector customerId timeZone reportingIntervalS tariffId label registeredAt }
}`;
const updateMutation = `mutation ($meterId: ID!, $input: MeterInput!) { updateMeter(meterId: $meterId, input: $input) { id sector customerId timeZone tariffId label } }`;
const tariffMutation = `mutation ($meterId: ID!, $tariffId: ID!) { assignTariff(meterId: $meterId, tariffId: $tariffId) { id tariffId } }`;
const meterQuery = `query ($id: ID!) { meter(id: $id) { id kind sector customerId timeZone tariffId label status { status reason } } }`;
const ackMutation = `mutation ($id: ID!, $note: String) { acknowledgeAlert(alertId: $id, note: $note) { id state meterId ruleKind } }`;
const closeMutation = `mutation ($id: ID!) { closeAlert(alertId: $id) { id state endedAt } }`;
const alertQuery = `query ($id: ID!) { alert(id: $id) { id state } }`;
const payMutation = `mutation ($invoiceId: ID!, $amount: String!, $reference: String!, $key: String) {
  payInvoice(invoiceId: $invoiceId, amount: $amount, reference: $reference, idempotencyKey: $key) { id invoiceId meterId amount amountCents reference recordedBy invoiceBalanceCents meterOverdueCents unblockCommand { id type state } }
}`;

describe('GraphQL admin mutations', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let commandLog: CommandLog;
  const devices: MeterDevice[] = [];
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;

  const auditRows = async (target: string) =>
    (
      await pipeline.questdb.query<{ actor: string; role: string; operation: string; outcome: string; error_code: string | null; idempotency_key: string | null }>(
        `SELECT actor, role, operation, outcome, error_code, idempotency_key FROM audit_log WHERE target = $1 ORDER BY ts`,
        [target],
      )
    ).rows;

  const insertInvoice = async (invoiceId: string, meterId: string, status: string, totalCents: number, dueDate: string) => {
    await pipeline.questdb.query(
      `INSERT INTO invoices (ts, invoice_id, meter_id, status, revision, period_label, period_end, issued_at, due_date, currency, consumption, consumption_unit, total_cents, total)
       VALUES ('2026-01-01T00:00:00.000000Z', $1, $2, $3, 0, '2026-01', '2026-02-01T00:00:00.000000Z', '2026-02-04T00:00:00.000000Z', $4, 'BRL', 27.55, 'm3', $5, $6)`,
      [invoiceId, meterId, status, dueDate, totalCents, (totalCents / 100).toFixed(2)],
    );
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    commandLog = await startTestCommandLog(pipeline);
    // The debt policy is on (1 day after the due date); the test runs it by hand (runOnce).
    graphql = await startTestGraphql(pipeline, { MF_POLICY_DEBT_BLOCK_DAYS: '1', MF_POLICY_OVERCONSUMPTION_BLOCK: 'true', MF_POLICY_INTERVAL_MS: '3600000', MF_GRAPHQL_MAX_WAIT_MS: '20000' });
  });

  afterAll(async () => {
    for (const d of devices) await d.close();
    await graphql?.stop();
    await commandLog?.stop();
    await pipeline?.stopAll();
  });

  it('registers a meter, serves it at once, audits the call, and a retried key registers once', async () => {
    const meterId = id('reg');
    const input = { kind: 'water', sector: id('s1'), customerId: graphql.customerIds.c1, timeZone: 'America/Sao_Paulo', reportingIntervalS: 900, label: 'Rua A, 10' };
    // Keys are per subject; every run's admin is called "admin", so the key carries the run id.
    const key = `${pipeline.runId}-reg-1`;
    const first = await graphql.request<{ registerMeter: Record<string, unknown> }>(registerMutation, { meterId, input, key });
    expect(first.errors).toBeUndefined();
    expect(first.data!.registerMeter).toMatchObject({ id: meterId, kind: 'water', sector: id('s1'), customerId: graphql.customerIds.c1, timeZone: 'America/Sao_Paulo', reportingIntervalS: 900, tariffId: null });
    // Read-your-writes: the meter is there before QuestDB's WAL shows the row.
    const read = await graphql.request<{ meter: Record<string, unknown> }>(meterQuery, { id: meterId });
    expect(read.data!.meter).toMatchObject({ id: meterId, customerId: graphql.customerIds.c1, status: { status: 'ACTIVE', reason: null } });
    // Its customer sees it; the other customer does not.
    expect((await graphql.request(meterQuery, { id: meterId }, graphql.keys.customer1)).errors).toBeUndefined();
    expect((await graphql.request(meterQuery, { id: meterId }, graphql.keys.customer2)).errors![0]!.extensions!.code).toBe('FORBIDDEN');

    const retried = await graphql.request<{ registerMeter: { registeredAt: string } }>(registerMutation, { meterId, input, key });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.registerMeter.registeredAt).toBe((first.data!.registerMeter as { registeredAt: string }).registeredAt);
    // The same key for another request is a client bug, refused rather than answered with the first result.
    const reused = await graphql.request(registerMutation, { meterId: id('other'), input, key });
    expect(reused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    const again = await graphql.request(registerMutation, { meterId, input });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'meterId' });

    await waitFor('registry row visible', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM meter_registry WHERE meter_id = $1`, [meterId]);
    expect(Number(rows[0]!.n)).toBe(1);
    await waitFor('audit rows', () => walApplied(pipeline.questdb, 'audit_log'), Boolean);
    const audit = await auditRows(meterId);
    // First call ok; the retry was answered from the record, not re-run; the third was a conflict.
    expect(audit.map((a) => [a.actor, a.role, a.operation, a.outcome, a.error_code])).toEqual([
      ['admin', 'admin', 'registerMeter', 'ok', null],
      ['admin', 'admin', 'registerMeter', 'error', 'CONFLICT'],
    ]);
    expect(audit[0]!.idempotency_key).toBe(key);
  });

  it('updates and assigns a tariff; bad input names the field and writes nothing; non-admins are refused and audited', async () => {
    const meterId = id('upd');
    expect((await graphql.request(registerMutation, { meterId, input: { kind: 'water', sector: id('s1') } })).errors).toBeUndefined();
    const updated = await graphql.request<{ updateMeter: Record<string, unknown> }>(updateMutation, { meterId, input: { sector: id('s2'), label: 'moved' } });
    expect(updated.data!.updateMeter).toMatchObject({ sector: id('s2'), label: 'moved', customerId: null });
    const tariff = await graphql.request<{ assignTariff: Record<string, unknown> }>(tariffMutation, { meterId, tariffId: 'sabesp-res-2017' });
    expect(tariff.data!.assignTariff).toEqual({ id: meterId, tariffId: 'sabesp-res-2017' });
    const read = await graphql.request<{ meter: Record<string, unknown> }>(meterQuery, { id: meterId });
    expect(read.data!.meter).toMatchObject({ sector: id('s2'), label: 'moved', tariffId: 'sabesp-res-2017' });

    const unknownTariff = await graphql.request(tariffMutation, { meterId, tariffId: 'no-such-tariff' });
    expect(unknownTariff.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'tariffId' });
    // SABESP prices m³: an electricity meter cannot be billed on it.
    const wrongUnit = await graphql.request(registerMutation, { meterId: id('elec'), input: { kind: 'electricity', tariffId: 'sabesp-res-2017' } });
    expect(wrongUnit.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.tariffId' });
    const badZone = await graphql.request(updateMutation, { meterId, input: { timeZone: 'Mars/Olympus' } });
    expect(badZone.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeZone' });
    const unknown = await graphql.request(updateMutation, { meterId: id('nobody'), input: { label: 'x' } });
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'meterId' });
    for (const key of [graphql.keys.analyst, graphql.keys.customer1]) {
      const refused = await graphql.request(updateMutation, { meterId, input: { label: 'hacked' } }, key);
      expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(refused.data?.updateMeter ?? null).toBeNull();
    }
    await waitFor('registry and audit visible', async () => (await walApplied(pipeline.questdb, 'meter_registry')) && walApplied(pipeline.questdb, 'audit_log'), Boolean);
    // register + update + tariff: three rows; the refused and invalid calls wrote none.
    const { rows } = await pipeline.questdb.query<{ n: string; labels: string }>(`SELECT count() n FROM meter_registry WHERE meter_id = $1`, [meterId]);
    expect(Number(rows[0]!.n)).toBe(3);
    const audit = await auditRows(meterId);
    expect(audit.filter((a) => a.outcome === 'denied').map((a) => [a.actor, a.role, a.error_code])).toEqual([
      ['analyst', 'analyst', 'FORBIDDEN'],
      ['customer-1', 'customer', 'FORBIDDEN'],
    ]);
    expect(audit.filter((a) => a.outcome === 'error').map((a) => a.error_code)).toEqual(['NOT_FOUND', 'BAD_USER_INPUT']);
  });

  it('acknowledges and closes an alert; the current state follows; a closed alert cannot be closed again', async () => {
    const meterId = id('alerting');
    const alertId = `${pipeline.runId}a1`;
    const startedAt = Date.now() - 3_600_000;
    expect((await graphql.request(registerMutation, { meterId, input: { kind: 'water', sector: id('s1') } })).errors).toBeUndefined();
    await pipeline.questdb.query(
      `INSERT INTO alerts (ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at, estimated_loss_l, evidence)
       VALUES ($1, $2, $3, $4, 'continuous-flow', 'continuous-flow', 'warning', 'open', $1, 120.5, '{"minFlowLpm":1.2}')`,
      [new Date(startedAt).toISOString(), alertId, meterId, id('s1')],
    );
    await waitFor('alert visible', () => graphql.request<{ alert: { state: string } | null }>(alertQuery, { id: alertId }), (r) => r.data?.alert?.state === 'OPEN', 20_000);
    const acked = await graphql.request<{ acknowledgeAlert: Record<string, unknown> }>(ackMutation, { id: alertId, note: 'crew sent' });
    expect(acked.errors).toBeUndefined();
    expect(acked.data!.acknowledgeAlert).toEqual({ id: alertId, state: 'ACKNOWLEDGED', meterId, ruleKind: 'CONTINUOUS_FLOW' });
    await waitFor('acknowledged in QuestDB', () => graphql.request<{ alert: { state: string } }>(alertQuery, { id: alertId }), (r) => r.data?.alert.state === 'ACKNOWLEDGED', 20_000);
    const closed = await graphql.request<{ closeAlert: { state: string; endedAt: string } }>(closeMutation, { id: alertId });
    expect(closed.data!.closeAlert.state).toBe('CLOSED');
    expect(new Date(closed.data!.closeAlert.endedAt).getTime()).toBeGreaterThan(startedAt);
    const twice = await graphql.request(closeMutation, { id: alertId });
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'alertId' });
    const missing = await graphql.request(ackMutation, { id: `${pipeline.runId}nope` });
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'alertId' });
    await waitFor('closed in QuestDB', () => graphql.request<{ alert: { state: string } }>(alertQuery, { id: alertId }), (r) => r.data?.alert.state === 'CLOSED', 20_000);
    const { rows } = await pipeline.questdb.query<{ state: string }>(`SELECT state FROM alerts WHERE alert_id = $1 ORDER BY ts`, [alertId]);
    expect(rows.map((r) => r.state)).toEqual(['open', 'acknowledged', 'closed']);
  });

  it('records payments: balance goes down, no overpayment, the same reference counts once, provisional bills are not payable', async () => {
    const meterId = id('payer');
    const invoiceId = `${meterId}/2026-01`;
    await insertInvoice(invoiceId, meterId, 'final', 13_322, '2099-01-10');
    await insertInvoice(`${meterId}/2026-02`, meterId, 'provisional', 5_000, '2099-02-10');
    await waitFor('invoices visible', () => walApplied(pipeline.questdb, 'invoices'), Boolean);

    const paid = await graphql.request<{ payInvoice: Record<string, unknown> }>(payMutation, { invoiceId, amount: '100.00', reference: 'bank-001' });
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.payInvoice).toMatchObject({ invoiceId, meterId, amount: '100.00', amountCents: 10_000, reference: 'bank-001', recordedBy: 'admin', invoiceBalanceCents: 3_322, unblockCommand: null });
    const over = await graphql.request(payMutation, { invoiceId, amount: '33.23', reference: 'bank-002' });
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    expect(over.errors![0]!.message).toContain('33.22');
    const same = await graphql.request<{ payInvoice: { id: string; invoiceBalanceCents: number } }>(payMutation, { invoiceId, amount: '100.00', reference: 'bank-001' });
    expect(same.data!.payInvoice.id).toBe((paid.data!.payInvoice as { id: string }).id);
    const conflicting = await graphql.request(payMutation, { invoiceId, amount: '5.00', reference: 'bank-001' });
    expect(conflicting.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'reference' });
    const provisional = await graphql.request(payMutation, { invoiceId: `${meterId}/2026-02`, amount: '1.00', reference: 'bank-003' });
    expect(provisional.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'invoiceId' });
    for (const amount of ['-1', '1.234', '0', 'ten']) {
      const bad = await graphql.request(payMutation, { invoiceId, amount, reference: 'bank-004' });
      expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    }
    await waitFor('payments visible', () => walApplied(pipeline.questdb, 'payments'), Boolean);
    const { rows } = await pipeline.questdb.query<{ n: string; cents: string }>(`SELECT count() n, sum(amount_cents) cents FROM payments WHERE invoice_id = $1`, [invoiceId]);
    expect({ n: Number(rows[0]!.n), cents: Number(rows[0]!.cents) }).toEqual({ n: 1, cents: 10_000 });
  });

  it('debt policy: blocks a meter with an invoice overdue beyond the grace (once), and paying the overdue balance unblocks it', async () => {
    const device = await startTestDevice(pipeline, id('debtor'));
    devices.push(device);
    const meterId = device.meterId;
    expect((await graphql.request(registerMutation, { meterId, input: { kind: 'water', customerId: graphql.customerIds.c2 } })).errors).toBeUndefined();
    const invoiceId = `${meterId}/2026-01`;
    // Due long ago, unpaid: 27.55 m³ at SABESP 2017 = R$133.22.
    await insertInvoice(invoiceId, meterId, 'final', 13_322, '2026-02-10');
    // A meter that owes nothing overdue (due in the future) is left alone.
    await insertInvoice(`${id('punctual')}/2026-01`, id('punctual'), 'final', 9_999, '2099-02-10');
    await waitFor('invoices visible', () => walApplied(pipeline.questdb, 'invoices'), Boolean);

    const blocked = await graphql.server.policies.runOnce();
    expect(blocked).toContain(meterId);
    expect(blocked).not.toContain(id('punctual'));
    await waitFor('device blocked', async () => device.firmware.state.blocked, Boolean, 30_000);
    const status = await waitFor('BLOCKED for DEBT', () => graphql.request<{ meter: { status: { status: string; reason: string } } }>(meterQuery, { id: meterId }), (r) => r.data?.meter.status.status === 'BLOCKED', 30_000);
    expect(status.data!.meter.status.reason).toBe('DEBT');
    // Evaluating again does not block twice.
    expect(await graphql.server.policies.runOnce()).not.toContain(meterId);
    expect(device.received).toHaveLength(1);
    await waitFor('audit visible', () => walApplied(pipeline.questdb, 'audit_log'), Boolean);
    expect((await auditRows(meterId)).filter((a) => a.operation === 'blockMeter').map((a) => [a.actor, a.outcome])).toEqual([['policy', 'ok']]);

    const paid = await graphql.request<{ payInvoice: { meterOverdueCents: number; unblockCommand: { id: string; type: string } | null } }>(payMutation, { invoiceId, amount: '133.22', reference: 'pix-42' });
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.payInvoice.meterOverdueCents).toBe(0);
    expect(paid.data!.payInvoice.unblockCommand).toMatchObject({ type: 'UNBLOCK' });
    await waitFor('device unblocked', async () => !device.firmware.state.blocked, Boolean, 30_000);
    await waitFor('ACTIVE again', () => graphql.request<{ meter: { status: { status: string } } }>(meterQuery, { id: meterId }), (r) => r.data?.meter.status.status === 'ACTIVE', 30_000);
    expect(device.received).toHaveLength(2);
  });

  it('overconsumption policy: blocks a meter with an open above-group-average alert, not one whose alert closed', async () => {
    const device = await startTestDevice(pipeline, id('heavy'));
    devices.push(device);
    const calm = id('was-heavy');
    for (const meterId of [device.meterId, calm]) expect((await graphql.request(registerMutation, { meterId, input: { kind: 'water', sector: id('s9') } })).errors).toBeUndefined();
    const startedAt = Date.now() - 7_200_000;
    const alert = (alertId: string, meterId: string, state: string, at: number) =>
      pipeline.questdb.query(
        `INSERT INTO alerts (ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at, evidence)
         VALUES ($1, $2, $3, $4, 'above-group-average', 'above-group-average', 'warning', $5, $6, '{"factor":2.4}')`,
        [new Date(at).toISOString(), alertId, meterId, id('s9'), state, new Date(startedAt).toISOString()],
      );
    await alert(`${pipeline.runId}h1`, device.meterId, 'open', startedAt);
    await alert(`${pipeline.runId}h2`, calm, 'open', startedAt);
    await alert(`${pipeline.runId}h2`, calm, 'closed', startedAt + 3_600_000);
    await waitFor('alerts visible', () => walApplied(pipeline.questdb, 'alerts'), Boolean);

    const blocked = await graphql.server.policies.runOnce();
    expect(blocked).toContain(device.meterId);
    expect(blocked).not.toContain(calm);
    await waitFor('device blocked', async () => device.firmware.state.blocked, Boolean, 30_000);
    const status = await waitFor('BLOCKED for OVERCONSUMPTION', () => graphql.request<{ meter: { status: { status: string; reason: string } } }>(meterQuery, { id: device.meterId }), (r) => r.data?.meter.status.status === 'BLOCKED', 30_000);
    expect(status.data!.meter.status.reason).toBe('OVERCONSUMPTION');
    expect(device.received).toHaveLength(1);
  });
});
