import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { mqttTopics } from '../../core/contracts';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { meterMqttPassword, provisionMeterAccounts, revokeMeterAccounts } from '../../deploy/stack/meter-accounts';
import { loadStackOptions } from '../../deploy/stack/stack-options';
import { daiadBilling, loadDaiadRows, type DaiadRow } from './support/daiad-oracle';
import { metricValue } from './support/metric-value';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The DAIAD trial published through MQTT as fast as the broker takes it, as an adopting utility
// would replay its exports: one connection and login per meter, QoS 1, each meter's rows in file
// order, up to 100 unacknowledged per connection, all meters at once. Brokers may reorder and
// redeliver; a meter's bills must still be the ones its own readings give (the rule computed
// from the file, which the import matches: daiad-history-orders.test.ts), with nothing refused
// and nothing counted late. MF_DAIAD_MQTT_METERS=92 replays the whole trial (~674k messages).
const fixture = path.resolve(__dirname, '../fixtures/daiad/swm_trialA.csv.gz');
const meterCount = Number(process.env.MF_DAIAD_MQTT_METERS ?? 30);
const inFlightPerMeter = 100;
const day = 86_400_000;

/** Publishes one meter's rows in order, at most `inFlightPerMeter` waiting for their PUBACK. */
async function publishAll(client: MqttClient, meterId: string, rows: DaiadRow[]): Promise<void> {
  const topic = mqttTopics.reading(meterId);
  const waiting = new Set<Promise<unknown>>();
  for (const r of rows) {
    const sent = client.publishAsync(topic, JSON.stringify({ kind: 'water', ts: r.ts, register: r.register, registerUnit: 'L' }), { qos: 1 });
    waiting.add(sent);
    void sent.finally(() => waiting.delete(sent));
    if (waiting.size >= inFlightPerMeter) await Promise.race(waiting);
  }
  await Promise.all(waiting);
}

describe('the DAIAD trial replayed through MQTT at full speed, a login per meter', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let masterKey: string;
  const rows = loadDaiadRows(meterCount, fixture);
  const meters = [...new Set(rows.map((r) => r.meter))];
  const id = (meter: string) => `${pipeline.runId}-${meter}`;
  const clients: MqttClient[] = [];
  let seconds = 0;

  beforeAll(async () => {
    // Old history through the live path: the bridge's age limit opened for the replay (docs/import.md).
    pipeline = createTestPipeline({ MF_READING_MAX_PAST_MS: String(30 * 366 * day) });
    masterKey = pipeline.config.string('MF_METER_MASTER_KEY');
    await provisionMeterAccounts(loadStackOptions(), meters.map(id), masterKey);
    const bridge = await pipeline.startBridge();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'Europe/Madrid', MF_ROLLING_WINDOWS: '24h/24h', MF_ROLLUP_BUCKETS: '1d' });
    const url = pipeline.config.string('MF_MQTT_URL');
    for (const meter of meters) clients.push(await connectMqtt({ url, username: id(meter), password: meterMqttPassword(masterKey, id(meter)), clientId: id(meter), clean: true }));
    const started = Date.now();
    await Promise.all(meters.map((meter, i) => publishAll(clients[i]!, id(meter), rows.filter((r) => r.meter === meter))));
    // Everything is with the broker; wait until the bridge has it all in Kafka and nothing moves.
    const produced = async () => metricValue(await bridge.metrics.render(), 'meterflow_bridge_records_produced_total', 'topic="readings"');
    let last = -1;
    await waitFor('the bridge to have produced every message', async () => {
      const now = await produced();
      const settled = now === last && now >= rows.length && metricValue(await bridge.metrics.render(), 'meterflow_bridge_messages_in_flight') === 0;
      last = now;
      return settled;
    }, Boolean, 15 * 60_000, 3000);
    seconds = (Date.now() - started) / 1000;
    await harness.closeThrough(rows.reduce((max, r) => Math.max(max, r.ts), -Infinity) + 20 * day);
    await harness.caughtUp(20 * 60_000);
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean, 120_000);
    process.stderr.write(`DAIAD over MQTT: ${rows.length} messages of ${meters.length} meters in Kafka after ${seconds.toFixed(0)} s (${(rows.length / seconds).toFixed(0)} msg/s)\n`);
  }, 45 * 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync()));
    await harness?.stop();
    await pipeline?.stopAll();
    if (masterKey) await revokeMeterAccounts(loadStackOptions(), meters.map(id), masterKey);
  });

  it('bills every meter-month as the rule computed from the file, as the import does', async () => {
    const differing: string[] = [];
    let compared = 0;
    for (const meter of meters) {
      const oracle = daiadBilling(rows.filter((r) => r.meter === meter), '2017-02-01');
      const { rows: bills } = await pipeline.questdb.query<{ month: string; consumption: number; read_status: string }>(
        `SELECT substring(invoice_id, position(invoice_id, '/') + 1, 10) month, sum(consumption) consumption, max(CASE WHEN status = 'final' THEN read_status END) read_status
         FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted') GROUP BY month ORDER BY month`,
        [id(meter)],
      );
      expect([meter, bills.map((b) => b.month)]).toEqual([meter, [...oracle.months.keys()]]);
      for (const bill of bills) {
        const rule = oracle.months.get(bill.month)!;
        if (Math.abs(bill.consumption - rule.litres) > 0.01) differing.push(`${meter} ${bill.month}: billed ${bill.consumption.toFixed(3)} L, the rule says ${rule.litres.toFixed(3)} L`);
        if (bill.read_status !== (rule.read ? 'read' : 'no-read')) differing.push(`${meter} ${bill.month}: ${bill.read_status}, the rule says ${rule.read ? 'read' : 'no-read'}`);
        compared += 1;
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(meters.length * 11);
  });

  it('refuses nothing and counts nothing late', async () => {
    const bridge = await pipeline.bridge!.metrics.render();
    // Per reason, so a failure says what was refused.
    const deadLettered = bridge.split('\n').filter((l) => l.startsWith('meterflow_bridge_dead_letters_total') || l.startsWith('meterflow_bridge_records_refused_total'));
    const late = (await harness.processors.metrics.render()).split('\n').filter((l) => l.startsWith('meterflow_processors_late_readings_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect({ deadLettered: deadLettered.filter((l) => Number(l.split(' ').pop()) > 0), late }).toEqual({ deadLettered: [], late: 0 });
  });
});
