import { questdbTables } from '../../core/contracts';
import { createIlpWriter } from '../../core/questdb/ilp-writer';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { MeterDevice } from '../../load-tests/simulator/meter-device';
import { encodeAlert } from '../../core/streams/alerts';
import type { AlertEvent } from '../../core/streams/alerts';
import type { CommandLog } from '../../processors/command-log/command-log';
import type { RawProducer } from '../../core/kafka';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, startTestCommandLog, startTestDevice, type TestPipeline, walApplied } from './support/test-services';
import { subscribeSse as subscribe, type SseSubscription } from './support/sse-subscription';
import { waitFor } from './support/wait-for';

// Subscriptions through the real server: SSE clients, the live feed's own Kafka group, real devices.
describe('GraphQL subscriptions over SSE and graphql-ws', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let commandLog: CommandLog;
  let producer: RawProducer;
  let device: MeterDevice;
  const open: SseSubscription[] = [];

  const sub = async (key: string, query: string, variables: Record<string, unknown>) => {
    const s = await subscribe(graphql.url, key, query, variables);
    open.push(s);
    return s;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startBridge();
    await pipeline.startSink();
    commandLog = await startTestCommandLog(pipeline);
    graphql = await startTestGraphql(pipeline);
    producer = await pipeline.kafka.createProducer();
    device = await startTestDevice(pipeline, `${pipeline.runId}-live`);
    // The meter belongs to customer 1 (a registry row, as registerMeter writes it) and has reported once.
    const writer = await createIlpWriter(pipeline.config.string('MF_QUESTDB_HTTP_URL'));
    const now = Date.now();
    await writer.row(questdbTables.meterRegistry.name, now, (row) =>
      row.symbol('meter_id', device.meterId).symbol('kind', 'water').symbol('sector', `${pipeline.runId}-s1`).symbol('customer_id', graphql.customerIds.c1).timestampColumn('registered_at', now, 'ms').stringColumn('changed_by', 'test'),
    );
    await writer.flush();
    await writer.close();
    await waitFor('registry row applied', () => walApplied(pipeline.questdb, questdbTables.meterRegistry.name), Boolean, 30_000);
    await waitFor(`customer 1 sees ${device.meterId}`, () => graphql.request(`query ($m: ID!) { meterStatus(meterId: $m) { status } }`, { m: device.meterId }, graphql.keys.customer1), (r) => r.errors === undefined, 60_000);
    // The first reading goes through the live feed before any test subscribes, so it cannot reach a
    // later subscription late (the feed delivers what it consumes after the subscription opened).
    const warmup = await subscribe(graphql.url, graphql.keys.admin, `subscription ($m: ID!) { meterReadings(meterId: $m) { ts } }`, { m: device.meterId });
    await device.publishReading(now - 60_000, 1);
    await waitFor('the first reading on the live feed', async () => warmup.results.length, (n) => n >= 1, 30_000, 50);
    warmup.close();
  });

  afterAll(async () => {
    for (const s of open) s.close();
    await device?.close();
    await producer?.disconnect();
    await graphql?.stop();
    await commandLog?.stop();
    await pipeline?.stopAll();
  });

  it('meterReadings streams the meter\'s readings with their exact values (customer 1, its own meter)', async () => {
    const s = await sub(graphql.keys.customer1, `subscription ($m: ID!) { meterReadings(meterId: $m) { meterId kind ts value valueUnit seq receivedAt } }`, { m: device.meterId });
    expect(s.status).toBe(200);
    const base = Math.floor(Date.now() / 1000) * 1000;
    const flows = [2.5, 0, 7.25];
    for (const [i, flow] of flows.entries()) await device.publishReading(base + i * 1000, flow);
    await waitFor('3 readings on the subscription', async () => s.results.length, (n) => n >= 3, 30_000, 50);
    expect(s.results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    const readings = s.results.map((r) => r.data!.meterReadings as { meterId: string; kind: string; ts: string; value: number; valueUnit: string; receivedAt: string });
    expect(readings.map((r) => [r.meterId, r.kind, r.ts, r.value])).toEqual(flows.map((flow, i) => [device.meterId, 'water', new Date(base + i * 1000).toISOString(), flow]));
    expect(readings.every((r) => r.valueUnit === 'L/min' && typeof r.receivedAt === 'string')).toBe(true);
    await sleep(500);
    expect(s.results).toHaveLength(3); // nothing else (no other meter's readings)
  });

  it('commandUpdates streams PENDING, DELIVERED and APPLIED of a block', async () => {
    const s = await sub(graphql.keys.admin, `subscription ($m: ID) { commandUpdates(meterId: $m) { id type reason state history { state } } }`, { m: device.meterId });
    expect(s.status).toBe(200);
    const block = await graphql.request<{ blockMeter: { id: string; state: string } }>(`mutation ($m: ID!) { blockMeter(meterId: $m, reason: OVERCONSUMPTION, waitMs: 15000) { id state } }`, { m: device.meterId });
    expect(block.errors).toBeUndefined();
    expect(block.data!.blockMeter.state).toBe('APPLIED');
    await waitFor('3 command updates', async () => s.results.length, (n) => n >= 3, 30_000, 50);
    const updates = s.results.map((r) => r.data!.commandUpdates as { id: string; type: string; reason: string; state: string; history: { state: string }[] });
    expect(updates.map((u) => [u.id, u.type, u.reason, u.state])).toEqual(['PENDING', 'DELIVERED', 'APPLIED'].map((state) => [block.data!.blockMeter.id, 'BLOCK', 'OVERCONSUMPTION', state]));
    expect(updates[2]!.history.map((h) => h.state)).toEqual(['PENDING', 'DELIVERED', 'APPLIED']);
    expect(device.firmware.state.blocked).toBe(true);
  });

  it('alerts streams the alert transitions processors publish, filtered by meter and by sector', async () => {
    const sector = `${pipeline.runId}-s1`;
    const byMeter = await sub(graphql.keys.customer1, `subscription ($m: ID) { alerts(meterId: $m) { alertId meterId sector rule ruleKind severity state startedAt estimatedLossL evidence at } }`, { m: device.meterId });
    const bySector = await sub(graphql.keys.analyst, `subscription ($s: String) { alerts(sector: $s) { alertId meterId } }`, { s: sector });
    expect([byMeter.status, bySector.status]).toEqual([200, 200]);
    const at = Date.now();
    const alert = (meterId: string, alertSector: string | null, rule: string): AlertEvent => ({
      alertId: `${pipeline.runId}-${rule}-${meterId}`,
      meterId,
      sector: alertSector,
      rule,
      ruleKind: 'continuous-flow',
      severity: 'warning',
      state: 'open',
      startedAt: at - 3_600_000,
      evidence: { minFlowLpm: 0.4 },
      estimatedLossL: 24,
      at,
    });
    const mine = alert(device.meterId, sector, 'continuous-flow');
    const sameSector = alert(`${pipeline.runId}-neighbour`, sector, 'night-flow');
    const elsewhere = alert(`${pipeline.runId}-far`, `${pipeline.runId}-s2`, 'burst');
    // As the processors publish them: the alerts stream's codec, key = meter id.
    await producer.sendBatch([mine, sameSector, elsewhere].map((e) => ({ topic: pipeline.topics.alerts.name, key: e.meterId, value: encodeAlert(e) })));
    await waitFor('alerts on both subscriptions', async () => [byMeter.results.length, bySector.results.length], ([a, b]) => a! >= 1 && b! >= 2, 30_000, 50);
    await sleep(500);
    expect(byMeter.results.map((r) => r.data!.alerts)).toEqual([
      { alertId: mine.alertId, meterId: device.meterId, sector, rule: 'continuous-flow', ruleKind: 'continuous-flow', severity: 'warning', state: 'open', startedAt: new Date(mine.startedAt).toISOString(), estimatedLossL: 24, evidence: '{"minFlowLpm":0.4}', at: new Date(at).toISOString() },
    ]);
    // Different meters, different partitions: no order between them.
    expect(bySector.results.map((r) => (r.data!.alerts as { alertId: string }).alertId).sort()).toEqual([mine.alertId, sameSector.alertId].sort());
  });

  it('a customer may not follow another customer\'s meter (FORBIDDEN); alerts without a meterId are their own feed', async () => {
    const readings = await sub(graphql.keys.customer2, `subscription ($m: ID!) { meterReadings(meterId: $m) { value } }`, { m: device.meterId });
    const commands = await sub(graphql.keys.customer2, `subscription ($m: ID) { commandUpdates(meterId: $m) { id } }`, { m: device.meterId });
    // Alerts without a meterId are a customer's own feed (all of their meters: customer-alerts.test.ts), not everything: it opens.
    const ownFeed = await sub(graphql.keys.customer2, `subscription { alerts { alertId } }`, {});
    for (const s of [readings, commands]) {
      await waitFor('an answer', async () => s.results.length, (n) => n >= 1, 10_000, 50);
      expect(s.results[0]!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(s.results[0]!.data ?? null).toBeNull();
    }
    const before = graphql.server.services.live.stats().subscribers;
    await device.publishReading(Date.now(), 4);
    await sleep(1000);
    expect(readings.results).toHaveLength(1);
    expect(graphql.server.services.live.stats().subscribers).toBe(before);
    // Customer 2's own feed is open and got nothing of customer 1's meter.
    expect([ownFeed.status, ownFeed.completed, ownFeed.results]).toEqual([200, false, []]);
  });

  it('graphql-ws: the same subscription over WebSocket, credentials in connection_init; none or bad ones close the socket', async () => {
    const wsUrl = graphql.url.replace('http://', 'ws://');
    const results: { value: number; ts: string }[] = [];
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `ApiKey ${graphql.keys.customer1}` }, retryAttempts: 0, lazy: false });
    const subscribed = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    // Earlier tests' SSE streams are still open: wait for one more subscriber than now.
    const before = graphql.server.services.live.stats().subscribers;
    const unsubscribe = client.subscribe<{ meterReadings: { value: number; ts: string } }>(
      { query: `subscription ($m: ID!) { meterReadings(meterId: $m) { value ts } }`, variables: { m: device.meterId } },
      { next: (r) => results.push(r.data!.meterReadings), error: () => undefined, complete: () => undefined },
    );
    await subscribed;
    await waitFor('the ws subscriber registered', async () => graphql.server.services.live.stats().subscribers, (n) => n > before, 10_000, 20);
    const base = Math.floor(Date.now() / 1000) * 1000 + 500;
    await device.publishReading(base, 3.75);
    await waitFor('a reading over graphql-ws', async () => results.length, (n) => n >= 1, 30_000, 50);
    // The block test above shut this meter's valve: its firmware reports zero flow.
    expect(device.firmware.state.blocked).toBe(true);
    expect(results[0]).toEqual({ value: 0, ts: new Date(base).toISOString() });
    unsubscribe();
    await client.dispose();

    // Another customer's meter over ws: the resolver's FORBIDDEN, as over SSE.
    const other = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `ApiKey ${graphql.keys.customer2}` }, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => {
      other.subscribe({ query: `subscription ($m: ID!) { meterReadings(meterId: $m) { value } }`, variables: { m: device.meterId } }, { next: resolve, error: resolve, complete: () => undefined });
    });
    expect(JSON.stringify(refused)).toContain('FORBIDDEN');
    await other.dispose();

    for (const connectionParams of [{}, { authorization: 'ApiKey not-a-real-key-0123456789' }]) {
      const anonymous = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
      const closed = await new Promise<{ code?: number; next?: unknown }>((resolve) => {
        anonymous.on('closed', (event) => resolve({ code: (event as { code: number }).code }));
        anonymous.subscribe({ query: `subscription ($m: ID!) { meterReadings(meterId: $m) { value } }`, variables: { m: device.meterId } }, { next: (next) => resolve({ next }), error: () => undefined, complete: () => undefined });
      });
      expect(closed).toEqual({ code: 4403 });
      await anonymous.dispose();
    }
  });

  it('stopping the server ends open subscriptions', async () => {
    const before = graphql.server.services.live.stats().subscribers;
    const s = await sub(graphql.keys.admin, `subscription ($m: ID!) { meterReadings(meterId: $m) { value } }`, { m: device.meterId });
    await waitFor('the subscription registered', async () => graphql.server.services.live.stats().subscribers, (n) => n > before, 10_000, 20);
    await graphql.stop();
    await waitFor('the stream to end', async () => s.completed, Boolean, 10_000, 50);
    expect(graphql.server.services.live.stats().subscribers).toBe(0);
    graphql = undefined as unknown as GraphqlHarness;
  });
});
