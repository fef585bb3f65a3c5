import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import { mqttTopics, questdbTables } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, fleetMqtt, walApplied, type TestPipeline } from './support/test-services';
import { subscribeSse as subscribe } from './support/sse-subscription';
import { waitFor } from './support/wait-for';

// An edge node (a fridge thermometer) publishes one summary over MQTT with the simulated
// fleet's device credentials (per-meter accounts would rewrite the shared stack's password
// file: device-security.test.ts covers them, stats topic included). The summary (mean 3 °C, max 9 °C) → bridge → edge-stats topic → sink (edge_stats) and the
// processors' edge-stats alerts (threshold 8 °C on the max) → alerts table and topic → GraphQL:
// the alert in Query.alerts and on Subscription.alerts, the summary in Meter.edgeStatistics and
// on Subscription.edgeStatistics, for the owning customer only.
describe('edge statistics: MQTT summary → alert over GraphQL', () => {
  let pipeline: TestPipeline;
  let processors: TestProcessors;
  let graphql: GraphqlHarness;
  let device: MqttClient | null = null;
  let meterId: string;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    meterId = `${pipeline.runId}-fridge-1`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'meterflow-edge-'));
    const rulesFile = path.join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ rules: [
      { id: 'fridge-over-8', kind: 'threshold', appliesTo: { kinds: ['temperature'] }, direction: 'above', threshold: 8, severity: 'critical' },
      { id: 'temperature-rising-fast', kind: 'rate-of-rise', appliesTo: { kinds: ['temperature'] }, rise: 2, windowMinutes: 10 },
    ] }));
    await pipeline.startSink();
    await pipeline.startBridge();
    processors = await startTestProcessors(pipeline, { MF_ALERT_RULES_FILE: rulesFile });
    graphql = await startTestGraphql(pipeline);
    const register = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, {
      id: meterId,
      input: { kind: 'temperature', sector: `${pipeline.runId}-kitchen`, customerId: graphql.customerIds.c1 },
    });
    expect(register.errors).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await device?.endAsync(true);
    await graphql?.stop();
    await processors?.stop();
    await pipeline?.stopAll();
  });

  it('a summary with mean 3 °C and max 9 °C raises the 8 °C alert, visible with the summary to its customer only', async () => {
    const alertsSub = await subscribe(graphql.url, graphql.keys.customer1, `subscription ($m: ID) { alerts(meterId: $m) { alertId meterId rule ruleKind state startedAt at evidence } }`, { m: meterId });
    const statsSub = await subscribe(graphql.url, graphql.keys.customer1, `subscription ($m: ID!) { edgeStatistics(meterId: $m) { meterId from to count min max mean unit } }`, { m: meterId });
    expect([alertsSub.status, statsSub.status]).toEqual([200, 200]);
    // Another customer may not follow it.
    const foreign = await graphql.request(`query ($m: ID!) { meter(id: $m) { edgeStatistics(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { mean } } }`, { m: meterId }, graphql.keys.customer2);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Give the live feed's consumer (new group, starting at the end of each topic) a moment to be assigned.
    await new Promise((r) => setTimeout(r, 2000));

    device = await connectMqtt({ ...fleetMqtt(pipeline), clientId: `${meterId}-edge`, clean: true });
    const to = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    const from = to - 15 * 60_000;
    await device.publishAsync(mqttTopics.edgeStats(meterId), JSON.stringify({ kind: 'temperature', from: new Date(from).toISOString(), to: new Date(to).toISOString(), count: 90, min: 2, max: 9, mean: 3 }), { qos: 1 });

    // The alert over the GraphQL query, as the owning customer.
    const alertsQuery = `query ($m: ID!) { alerts(filter: { meterId: $m }) { edges { node { id meterId rule ruleKind severity state startedAt evidence } } } }`;
    type AlertsAnswer = { alerts: { edges: { node: { id: string; meterId: string; rule: string; ruleKind: string; severity: string; state: string; startedAt: string; evidence: string } }[] } };
    const answer = await waitFor(
      'the alert over GraphQL',
      () => graphql.request<AlertsAnswer>(alertsQuery, { m: meterId }, graphql.keys.customer1),
      (a) => (a.data?.alerts.edges.length ?? 0) > 0,
      90_000,
      300,
    );
    const alerts = answer.data!.alerts.edges.map((e) => e.node);
    expect(alerts.map((a) => [a.rule, a.ruleKind, a.severity, a.state, a.startedAt])).toEqual([['fridge-over-8', 'THRESHOLD', 'CRITICAL', 'OPEN', new Date(from).toISOString()]]);
    expect(JSON.parse(alerts[0]!.evidence)).toMatchObject({ source: 'edge-stats', threshold: 8, peak: 9, max: 9, mean: 3, count: 90 });

    // The same transition on the subscription, with its event time at the end of the interval.
    await waitFor('the alert on the subscription', async () => alertsSub.results.length, (n) => n > 0, 30_000, 100);
    expect(alertsSub.results[0]!.data!.alerts).toMatchObject({ alertId: alerts[0]!.id, meterId, rule: 'fridge-over-8', state: 'open', startedAt: new Date(from).toISOString(), at: new Date(to).toISOString() });
    await waitFor('the summary on the subscription', async () => statsSub.results.length, (n) => n > 0, 30_000, 100);
    expect(statsSub.results[0]!.data!.edgeStatistics).toEqual({ meterId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), count: 90, min: 2, max: 9, mean: 3, unit: 'degC' });
    alertsSub.close();
    statsSub.close();

    // The stored summary over Meter.edgeStatistics.
    await waitFor('WAL applied on edge_stats', () => walApplied(pipeline.questdb, questdbTables.edgeStats.name), Boolean);
    const statsQuery = `query ($m: ID!, $from: DateTime!, $to: DateTime!, $limit: Int) { meter(id: $m) { edgeStatistics(from: $from, to: $to, limit: $limit) { from to count min max mean unit kind } } }`;
    const range = { m: meterId, from: new Date(from - 3_600_000).toISOString(), to: new Date(to).toISOString() };
    const stored = await waitFor(
      'the summary over Meter.edgeStatistics',
      () => graphql.request<{ meter: { edgeStatistics: Record<string, unknown>[] } }>(statsQuery, range, graphql.keys.customer1),
      (a) => (a.data?.meter.edgeStatistics.length ?? 0) > 0,
      30_000,
      300,
    );
    expect(stored.data!.meter.edgeStatistics).toEqual([{ from: new Date(from).toISOString(), to: new Date(to).toISOString(), count: 90, min: 2, max: 9, mean: 3, unit: 'degC', kind: 'temperature' }]);

    // A bad argument is a typed error naming the field.
    const bad = await graphql.request(statsQuery, { ...range, limit: 0 }, graphql.keys.customer1);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
    const reversed = await graphql.request(statsQuery, { ...range, from: range.to, to: range.from }, graphql.keys.customer1);
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });

    // Exactly one alert row per transition, however often the flush or a replay writes it.
    await waitFor('WAL applied on alerts', () => walApplied(pipeline.questdb, questdbTables.alerts.name), Boolean);
    const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM alerts WHERE meter_id = $1`, [meterId]);
    expect(Number(rows[0]!.n)).toBe(1);
  }, 180_000);
});
