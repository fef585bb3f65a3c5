import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { mqttPacketOverheadBytes } from '../../core/config/mqtt-limits';
import { loadConfig, type Config } from '../../core/config';
import { mqttTopics } from '../../core/contracts';
import { connectMqtt, type MqttConnectionOptions } from '../../core/mqtt/mqtt-connection';
import { mqttTlsFromConfig } from '../../core/mqtt/mqtt-tls';
import { meterMqttPassword, provisionMeterAccounts, revokeMeterAccounts } from '../../deploy/stack/meter-accounts';
import { mqttTlsUrl, mqttUrl } from '../../deploy/stack/mosquitto-client';
import { mosquittoServer } from '../../deploy/stack/mosquitto-server';
import { mosquittoTlsFiles, tlsListenerConfigured } from '../../deploy/stack/mosquitto-tls';
import { findProgram } from '../../deploy/stack/requirements';
import { loadStackOptions, type StackOptions } from '../../deploy/stack/stack-options';
import { waitFor } from './support/wait-for';

// Per-meter MQTT credentials on the real stack's Mosquitto: a meter logs in as its id with its
// derived password, publishes only under its own topics, reads only its own command topic;
// wrong passwords and anonymous clients are refused; the TLS listener works with the dev CA.
const NOT_AUTHORIZED = 0x87;

/** The reason code or TLS error code of a refused connection (connectMqtt wraps it as the cause). */
async function refusal(options: MqttConnectionOptions): Promise<number | string> {
  try {
    const client = await connectMqtt({ connectTimeoutMs: 5000, ...options });
    await client.endAsync();
  } catch (error) {
    const cause = (error as { cause?: { code?: number | string } }).cause;
    if (cause?.code === undefined) throw error;
    return cause.code;
  }
  throw new Error(`"${options.username ?? '(anonymous)'}" was accepted at ${options.url}`);
}

describe('device security: per-meter MQTT accounts, ACL, TLS', () => {
  const runId = `t${randomUUID().slice(0, 8)}`;
  const idA = `${runId}-a`;
  const idB = `${runId}-b`;
  let stack: StackOptions;
  let config: Config;
  let url: string;
  let masterKey: string;
  const clients: MqttClient[] = [];
  /** What the bridge's service account sees on every meter's readings and commands. */
  const watched: string[] = [];

  const meter = async (id: string, extra: Partial<MqttConnectionOptions> = {}) => {
    const client = await connectMqtt({ url, username: id, password: meterMqttPassword(masterKey, id), clientId: `${runId}-${id}-${clients.length}`, clean: true, ...extra });
    clients.push(client);
    return client;
  };
  const seen = (topic: string, payload: string) => watched.includes(`${topic} ${payload}`);

  beforeAll(async () => {
    stack = loadStackOptions();
    config = loadConfig();
    url = mqttUrl(stack);
    masterKey = config.string('MF_METER_MASTER_KEY');
    const result = await provisionMeterAccounts(stack, [idA, idB], masterKey);
    // The global setup started the stack, so the running broker must have reloaded.
    expect(result).toMatchObject({ provisioned: 2, reloaded: true });

    const watcher = await connectMqtt({
      url,
      username: config.string('MF_MQTT_USERNAME'),
      password: config.string('MF_MQTT_PASSWORD'),
      clientId: `${runId}-watcher`,
      clean: true,
      setup: (c) => c.on('message', (topic, payload) => topic.includes(runId) && watched.push(`${topic} ${payload.toString()}`)),
    });
    clients.push(watcher);
    await watcher.subscribeAsync(['meters/+/readings', 'meters/+/stats', 'meters/+/commands', 'gateways/+/readings'], { qos: 1 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    // Leave no accounts behind on the shared stack (B is revoked by its own test).
    await revokeMeterAccounts(stack, [idA, idB], masterKey);
  });

  it('lets a meter publish QoS 1 under its own topics (PUBACK reason 0), delivered to the bridge account', async () => {
    const a = await meter(idA);
    // publishAsync resolves with the sent packet; the PUBACK itself is seen as it arrives.
    const pubacks: Array<{ messageId?: number; reasonCode?: number }> = [];
    a.on('packetreceive', (packet) => packet.cmd === 'puback' && pubacks.push(packet));
    const sent: Array<number | undefined> = [];
    for (const topic of [mqttTopics.reading(idA), mqttTopics.edgeStats(idA)]) {
      sent.push((await a.publishAsync(topic, 'own', { qos: 1 }))?.messageId);
    }
    // A reason code left out of the packet means 0 (success).
    expect(pubacks.map((p) => [p.messageId, p.reasonCode ?? 0])).toEqual(sent.map((id) => [id, 0]));
    await waitFor('own messages at the bridge account', async () => watched.length, (n) => n >= 2, 10_000, 50);
    expect([...watched].sort()).toEqual([`${mqttTopics.reading(idA)} own`, `${mqttTopics.edgeStats(idA)} own`]);
  });

  it("refuses a meter's publish under another meter's id or outside its topics with PUBACK 0x87, and delivers none of them", async () => {
    const a = await meter(idA);
    const forbidden = [mqttTopics.reading(idB), mqttTopics.edgeStats(idB), mqttTopics.command(idB), mqttTopics.command(idA), mqttTopics.gatewayBatch(idA)];
    for (const topic of forbidden) {
      await expect(a.publishAsync(topic, 'forged', { qos: 1 })).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    }
    expect(a.connected).toBe(true); // refused messages do not cost the meter its connection
    // Mosquitto handles one client's messages in order: once the sentinel published after
    // them has arrived, anything forbidden that had been let through would have arrived too.
    await a.publishAsync(mqttTopics.reading(idA), 'sentinel', { qos: 1 });
    await waitFor('sentinel at the bridge account', async () => seen(mqttTopics.reading(idA), 'sentinel'), Boolean, 10_000, 50);
    expect(watched.filter((m) => m.endsWith(' forged'))).toEqual([]);
  });

  it("delivers a meter only its own commands, whatever it subscribes to", async () => {
    const a = await meter(idA);
    const received: string[] = [];
    a.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    const own = await a.subscribeAsync(mqttTopics.command(idA), { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
    // Mosquitto 2.0's acl_file does not refuse subscriptions (SUBACK grants them; 2.0.11 was
    // measured); it checks read access when delivering. Either way nothing of B's may arrive.
    for (const filter of [mqttTopics.command(idB), 'meters/+/commands', 'meters/#', '#']) {
      const granted = await a.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g[0]?.qos,
        (error: { code?: number }) => error.code,
      );
      expect([1, NOT_AUTHORIZED]).toContain(granted);
    }

    const platform = await connectMqtt({ url, username: config.string('MF_MQTT_USERNAME'), password: config.string('MF_MQTT_PASSWORD'), clientId: `${runId}-platform`, clean: true });
    clients.push(platform);
    await platform.publishAsync(mqttTopics.command(idB), 'for-b', { qos: 1 });
    await platform.publishAsync(mqttTopics.reading(idB), 'b-reading', { qos: 1 });
    await platform.publishAsync(mqttTopics.command(idA), 'for-a', { qos: 1 });
    // Published after B's: once it is here, B's would have been too (one publisher, in order).
    await waitFor("A's own command", async () => received.length, (n) => n > 0, 10_000, 50);
    // Each matching subscription may deliver its own copy; only topics and payloads matter.
    expect([...new Set(received)]).toEqual([`${mqttTopics.command(idA)} for-a`]);
  });

  it('refuses a wrong password, another meter\'s password, an unknown meter and anonymous clients at CONNECT', async () => {
    const attempt = (username: string | undefined, password: string | undefined) => refusal({ url, username, password, clientId: `${runId}-refused-${Math.random()}`, clean: true });
    // Mosquitto 2.0 answers 0x87 (not authorized); MQTT 5 also allows 0x86 (bad user name or password).
    const refused = [0x86, NOT_AUTHORIZED];
    expect(refused).toContain(await attempt(idA, 'wrong-password'));
    expect(refused).toContain(await attempt(idB, meterMqttPassword(masterKey, idA)));
    expect(refused).toContain(await attempt(idA, meterMqttPassword(`${masterKey}-other`, idA)));
    expect(refused).toContain(await attempt(`${runId}-never-provisioned`, meterMqttPassword(masterKey, `${runId}-never-provisioned`)));
    expect(refused).toContain(await attempt(undefined, undefined));
  });

  it('provisions again idempotently: the same meter keeps logging in', async () => {
    const again = await provisionMeterAccounts(stack, [idA, idA], masterKey);
    expect(again).toMatchObject({ provisioned: 1, reloaded: true });
    const a = await meter(idA);
    expect(a.connected).toBe(true);
  });

  it('revokes a meter: its open connection is closed and its next CONNECT refused; other meters stay connected', async () => {
    const a = await meter(idA);
    const b = await meter(idB);
    b.options.reconnectPeriod = 0; // a refused reconnect attempt is not what this test watches
    b.on('error', () => undefined);

    const result = await revokeMeterAccounts(stack, [idB], masterKey);
    expect(result).toMatchObject({ revoked: 1, reloaded: true });
    // Mosquitto 2.0 re-checks connected clients on reload and drops those without an account.
    await waitFor('B disconnected by the broker', async () => b.connected, (connected) => !connected, 10_000, 20);
    expect(await refusal({ url, username: idB, password: meterMqttPassword(masterKey, idB), clientId: `${runId}-after-revoke`, clean: true })).toBe(NOT_AUTHORIZED);
    expect(a.connected).toBe(true);
    await a.publishAsync(mqttTopics.reading(idA), 'after-revoke', { qos: 1 });
  });

  describe('TLS listener (MF_MQTT_TLS_PORT) with the dev CA', () => {
    const tlsUrl = () => mqttTlsUrl(stack);

    it('is configured on the running broker (openssl is present here)', () => {
      // A broker started before the TLS listener existed needs `npm run stack -- down && npm run stack -- up`.
      expect(tlsListenerConfigured(stack.stackDir, stack.mqtt.tlsPort)).toBe(true);
    });

    it('accepts a meter that trusts the CA through MF_MQTT_CA_FILE, and carries its publish', async () => {
      const tls = mqttTlsFromConfig(loadConfig({ ...process.env, MF_MQTT_CA_FILE: mosquittoTlsFiles(stack.stackDir).caCert }));
      expect(tls?.ca).toBeDefined();
      const a = await meter(idA, { url: tlsUrl(), tls });
      await a.publishAsync(mqttTopics.reading(idA), 'over-tls', { qos: 1 });
      await waitFor('TLS publish at the bridge account', async () => seen(mqttTopics.reading(idA), 'over-tls'), Boolean, 10_000, 50);
      // Same accounts and ACL on both listeners.
      await expect(a.publishAsync(mqttTopics.reading(idB), 'forged-over-tls', { qos: 1 })).rejects.toMatchObject({ code: NOT_AUTHORIZED });
      expect(await refusal({ url: tlsUrl(), tls, clientId: `${runId}-tls-anon`, clean: true })).toBe(NOT_AUTHORIZED);
    });

    it('fails certificate verification for a client without the CA', async () => {
      const code = await refusal({ url: tlsUrl(), username: idA, password: meterMqttPassword(masterKey, idA), clientId: `${runId}-tls-noca`, clean: true });
      expect(String(code)).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
    });
  });
});

// The broker's max_packet_size (MF_MAX_PAYLOAD_BYTES + 4096) refuses one
// device's oversized packet by disconnecting that device only. A Mosquitto of its own, started
// from the stack's generated config, with a small payload limit so the test sends kilobytes.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('Mosquitto max_packet_size from MF_MAX_PAYLOAD_BYTES (a broker of its own)', () => {
  const payloadLimit = 1024;
  let dir: string;
  let broker: ChildProcess | null = null;
  let o: StackOptions;
  const opened: MqttClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mf-mosquitto-'));
    const mosquitto = findProgram('mosquitto', ['/usr/sbin/mosquitto']);
    const mosquittoPasswd = findProgram('mosquitto_passwd');
    if (!mosquitto || !mosquittoPasswd) throw new Error('mosquitto is not installed');
    // Free ports of the moment: another stack on the same machine (another checkout) may hold the fixed ones.
    o = loadStackOptions({ MF_STACK_DIR: dir, MF_MQTT_PORT: String(await freePort()), MF_MQTT_TLS_PORT: String(await freePort()), MF_MAX_PAYLOAD_BYTES: String(payloadLimit) });
    const launch = await mosquittoServer(o).prepare({ tools: { java: 'java', mosquitto, mosquittoPasswd }, lib: {} as never, log: () => undefined });
    expect(readFileSync(launch.args[1]!, 'utf8')).toContain(`max_packet_size ${payloadLimit + mqttPacketOverheadBytes}`);
    broker = spawn(launch.command, launch.args, { cwd: launch.cwd, stdio: 'ignore' });
    await waitFor('own broker up', () => mosquittoServer(o).probe().then(() => true, () => false), Boolean, 20_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.endAsync(true).catch(() => undefined)));
    if (broker && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker!.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // MQTT 3.1.1, like most device firmware: the client is never told the limit, so it sends anyway.
  const connect = async (username: string, password: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(mqttUrl(o), { protocolVersion: 4, clientId: `${username}-${randomUUID().slice(0, 6)}`, username, password, reconnectPeriod: 0, clean: true });
    opened.push(client);
    return client;
  };

  it('delivers a payload at the limit; disconnects the sender of a larger packet; other clients go on', async () => {
    const bridge = await connect(o.mqtt.username, o.mqtt.password);
    const received: number[] = [];
    bridge.on('message', (_topic, payload) => received.push(payload.length));
    await bridge.subscribeAsync('meters/+/readings', { qos: 1 });

    const hostile = await connect(o.mqtt.fleetUsername, o.mqtt.fleetPassword);
    const honest = await connect(o.mqtt.fleetUsername, o.mqtt.fleetPassword);
    await hostile.publishAsync('meters/m-big/readings', Buffer.alloc(payloadLimit, 'a'), { qos: 1 });
    await waitFor('payload at the limit delivered', async () => received.length, (n) => n === 1, 5000);

    const closed = new Promise<void>((resolve) => hostile.once('close', () => resolve()));
    hostile.publish('meters/m-big/readings', Buffer.alloc(payloadLimit + mqttPacketOverheadBytes + 1, 'b'), { qos: 1 });
    await closed;
    expect(hostile.connected).toBe(false);

    await honest.publishAsync('meters/m-ok/readings', Buffer.from('{"ok":1}'), { qos: 1 });
    await waitFor('the honest client still delivers', async () => received.length, (n) => n === 2, 5000);
    expect(received).toEqual([payloadLimit, 8]);
    expect(bridge.connected).toBe(true);
  });
});
