import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import type { Vu, VuContext } from '../runner/load-test';
import { createRandom } from '../../core/seeded-random';
import type { E2eProbe } from './e2e-probe';
import type { LoadSettings } from './load-settings';
import type { CredentialSource } from './mqtt-credentials';
import { createPayloadGenerator, kindOf, vuMeterIds } from './payload-profile';
import type { PublishLedger } from './publish-ledger';

export interface IngestVuDeps {
  settings: LoadSettings;
  /** 0-based number of this VU among the run's ingest VUs: names its meter(s), picks its kind. */
  index: number;
  credentials: CredentialSource;
  /** Shared by the run's VUs; null = no probes. */
  probe: E2eProbe | null;
  ledger: PublishLedger;
  /**
   * Reconnect storm: at this wall-clock time the VU's socket is destroyed under it, as a broker
   * restart does; mqtt.js reconnects on its own (reconnectPeriod 1 s) and counts in mqtt_reconnects.
   */
  dropAt?: number | null;
  /** A publish without PUBACK for this long fails (mqtt_publish_errors). @default 30000 */
  publishTimeoutMs?: number;
  /** Attempts at the first connection before the VU gives up. @default 3 */
  connectAttempts?: number;
  clock?: () => number;
}

export interface IngestVu extends Vu {
  readonly meterIds: readonly string[];
  readonly gatewayId: string | null;
}

/**
 * One ingest VU: a meter (or, with MF_LOAD_BATCH_SIZE > 1, a gateway of that many meters) on an
 * MQTT connection of its own (MQTT v5, clean session, a unique client id), logged in as
 * MF_LOAD_AUTH says. Each iteration publishes ONE message at QoS 1 and waits for its PUBACK:
 * `mqtt_puback_latency` (send → PUBACK, ms), `mqtt_messages`, `mqtt_publish_errors` (a Rate:
 * false per success, true per failure), `readings_published` (the valid readings of an
 * acknowledged message: a gateway batch counts its N, a bad message 0). Connection trouble
 * counts in `mqtt_connect_errors` (failed CONNECTs, errors after connecting) and
 * `mqtt_reconnects` (mqtt.js `reconnect` events).
 *
 * Event time: ts = max(now, previous ts + 1) per VU, so a meter never repeats a ts (the readings
 * table deduplicates on meter + ts: a repeated ts would look like a lost reading).
 */
export async function createIngestVu(ctx: VuContext, deps: IngestVuDeps): Promise<IngestVu> {
  const { settings } = deps;
  const clock = deps.clock ?? Date.now;
  const random = createRandom(Number.parseInt(randomBytes(4).toString('hex'), 16));
  const kind = kindOf(settings.profile, deps.index);
  const fromFile = deps.credentials.deviceIdAt(deps.index);
  const named = vuMeterIds(settings.runId, deps.index + 1, kind, settings.batchSize);
  // File mode: the file's id is the meter (or the gateway, whose meters are named after it).
  const { meterIds, gatewayId } = fromFile === null ? named : settings.batchSize <= 1 ? { meterIds: [fromFile], gatewayId: null } : { meterIds: named.meterIds.map((id) => id.replace(named.gatewayId!, fromFile)), gatewayId: fromFile };
  const gateway = gatewayId !== null;
  const login = deps.credentials.loginFor(gatewayId ?? meterIds[0]!, gateway);
  const tags = { ...ctx.tags, kind: gateway ? `gateway-${kind}` : kind };
  const sector = `sector-${(deps.index % settings.sectors) + 1}`;
  const leaking = kind === 'water' && random() < settings.leakShare;
  const generator = createPayloadGenerator({ meterIds, gatewayId, kind, sector, badShare: settings.badShare, leaking, leakFromTs: clock() + Math.floor(random() * 30_000), random });
  const timeoutMs = deps.publishTimeoutMs ?? 30_000;
  const clientId = `${settings.runId}-${gatewayId ?? meterIds[0]}-${randomBytes(3).toString('hex')}`;

  let client: MqttClient | null = null;
  const attempts = deps.connectAttempts ?? 3;
  for (let attempt = 1; client === null; attempt += 1) {
    try {
      client = await connectMqtt({
        url: settings.mqtt.url,
        username: login.username,
        password: login.password,
        clientId,
        clean: true,
        tls: settings.mqtt.tls,
        setup: (c) => {
          c.on('reconnect', () => ctx.metrics.add('mqtt_reconnects', 1, tags));
          // Before the first CONNACK connectMqtt reports the failure itself.
          c.on('error', () => {
            if (client) ctx.metrics.add('mqtt_connect_errors', 1, tags);
          });
        },
      });
    } catch (error) {
      ctx.metrics.add('mqtt_connect_errors', 1, tags);
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  const live = client;

  let dropTimer: NodeJS.Timeout | null = null;
  if (deps.dropAt !== undefined && deps.dropAt !== null) {
    dropTimer = setTimeout(() => live.stream?.destroy(), Math.max(0, deps.dropAt - clock()));
    dropTimer.unref();
  }

  let lastTs = 0;
  return {
    meterIds,
    gatewayId,
    async iteration() {
      const ts = Math.max(clock(), lastTs + 1);
      lastTs = ts;
      const message = generator.next(ts);
      const probeKey = message.readings > 0 && deps.probe?.due(clientId) ? message.keys[0]! : null;
      const sentAt = clock();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          live.publishAsync(message.topic, message.payload, { qos: 1 }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no PUBACK within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        ctx.metrics.add('mqtt_publish_errors', true, tags);
        ctx.check({ 'PUBACK received': false }, tags);
        deps.ledger.failed(sentAt);
        throw error;
      } finally {
        clearTimeout(timer);
      }
      const ackedAt = clock();
      ctx.metrics.add('mqtt_puback_latency', ackedAt - sentAt, tags);
      ctx.metrics.add('mqtt_messages', 1, tags);
      ctx.metrics.add('mqtt_publish_errors', false, tags);
      ctx.check({ 'PUBACK received': true }, tags);
      if (message.readings > 0) {
        ctx.metrics.add('readings_published', message.readings, tags);
        deps.ledger.acked(gateway ? meterIds : [meterIds[0]!], ts, message.readings, sentAt);
      }
      if (probeKey) deps.probe!.add({ meterId: probeKey.meterId, ts: probeKey.ts, publishedAt: sentAt, tags });
    },
    async close() {
      if (dropTimer) clearTimeout(dropTimer);
      // A clean DISCONNECT waits for in-flight publishes; a dead connection must not hold the test.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([live.endAsync(), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]).catch(() => undefined);
      clearTimeout(timer);
      if (!live.disconnected) live.end(true);
    },
  };
}
