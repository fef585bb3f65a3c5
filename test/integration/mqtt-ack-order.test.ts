import type { MqttClient } from 'mqtt';
import { mqttTopics } from '../../core/contracts';
import { deliverWithDeferredAcks, type AckableMessage } from '../../core/mqtt/deferred-acks';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The bridge acknowledges a message once Kafka has taken it, and Kafka acknowledges batches in
// any order. MQTT wants PUBACKs in the order the messages arrived (MQTT-4.6.0-2). Mosquitto
// 2.0.11 (Debian 12) shows why: a PUBACK for a message more than a Receive Maximum deep in its
// in-flight list frees send quota without moving any queued message into flight, so the next
// message published goes out at once, ahead of the older ones still queued (a full-speed history
// replay had a meter's readings months out of order). Here a publisher keeps ~100 messages in
// flight, as a device does, while the subscriber acknowledges every 100 ms batch in reverse.
// With PUBACKs sent in reverse, a third or more of the 30,000 arrived behind a later one.
const messages = 30_000;
const publisherInFlight = 100;
const ackEveryMs = 100;

describe('deferred PUBACKs on a real Mosquitto', () => {
  let pipeline: TestPipeline;
  const clients: MqttClient[] = [];
  const connect = async (name: string, setup?: (client: MqttClient) => void) => {
    const client = await connectMqtt({
      url: pipeline.config.string('MF_MQTT_URL'),
      username: pipeline.config.string('MF_MQTT_USERNAME'),
      password: pipeline.config.string('MF_MQTT_PASSWORD'),
      clientId: `${pipeline.runId}-${name}`,
      clean: true, // nothing left at the broker; the reordering needs no persistent session
      receiveMaximum: 1000, // as the bridge (MF_BRIDGE_RECEIVE_MAXIMUM)
      ...(setup ? { setup } : {}),
    });
    clients.push(client);
    return client;
  };

  beforeAll(() => {
    pipeline = createTestPipeline();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await pipeline.stopAll();
  });

  it('sends PUBACKs in arrival order, and one publisher’s messages arrive in order, however late and out of order they are acknowledged', async () => {
    const topic = mqttTopics.reading(`${pipeline.runId}-ack-order`);
    const received: number[] = [];
    const arrivedIds: number[] = [];
    const pubackIds: number[] = [];
    let unacked: AckableMessage[] = [];
    const timer = setInterval(() => {
      const batch = unacked;
      unacked = [];
      for (const m of batch.reverse()) m.ack();
    }, ackEveryMs);
    try {
      const subscriber = await connect('sub', (client) => {
        // What the broker sees: packet ids in, PUBACKs out.
        client.on('packetreceive', (p) => {
          if (p.cmd === 'publish' && p.qos === 1) arrivedIds.push(p.messageId!);
        });
        client.on('packetsend', (p) => {
          if (p.cmd === 'puback') pubackIds.push(p.messageId!);
        });
        deliverWithDeferredAcks(client, (m) => {
          received.push(Number(m.payload.toString()));
          unacked.push(m);
        });
      });
      await subscriber.subscribeAsync(topic, { qos: 1 });
      const publisher = await connect('pub');
      // A window, not all at once: the reordering needs messages arriving while older ones are
      // queued, and mqtt.js reuses packet ids past 65,535 outstanding (publishes never resolve).
      let next = 0;
      const sender = async () => {
        while (next < messages) await publisher.publishAsync(topic, String(next++), { qos: 1 });
      };
      await Promise.all(Array.from({ length: publisherInFlight }, sender));
      await waitFor('every message delivered and acknowledged', async () => pubackIds.length, (n) => n >= messages, 60_000, 50);
    } finally {
      clearInterval(timer);
    }
    let highest = -1;
    let late = 0; // messages that arrived after a later one
    for (const seq of received) {
      if (seq < highest) late += 1;
      highest = Math.max(highest, seq);
    }
    const pubacksOutOfOrder = pubackIds.filter((id, i) => id !== arrivedIds[i]).length;
    expect({ pubacksOutOfOrder, late, count: received.length, distinct: new Set(received).size }).toEqual({ pubacksOutOfOrder: 0, late: 0, count: messages, distinct: messages });
  });

  it('reads no further while maxHeld messages wait for their acknowledgement, then delivers the rest', async () => {
    const topic = mqttTopics.reading(`${pipeline.runId}-held`);
    const maxHeld = 50;
    const received: number[] = [];
    const unacked: AckableMessage[] = [];
    const subscriber = await connect('held-sub', (client) =>
      deliverWithDeferredAcks(
        client,
        (m) => {
          received.push(Number(m.payload.toString()));
          unacked.push(m);
        },
        { maxHeld },
      ),
    );
    await subscriber.subscribeAsync(topic, { qos: 1 });
    const publisher = await connect('held-pub');
    const total = 2000;
    let next = 0;
    const sending = Promise.all(Array.from({ length: publisherInFlight }, async () => {
      while (next < total) await publisher.publishAsync(topic, String(next++), { qos: 1 });
    }));
    // Nothing acknowledged yet: the broker may send up to our Receive Maximum (1000), but the
    // socket is not read past maxHeld messages.
    await waitFor('the first messages', async () => received.length, (n) => n >= maxHeld, 10_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received.length).toBe(maxHeld);
    // Acknowledging resumes reading; the rest arrive, in order.
    const acker = setInterval(() => unacked.splice(0).forEach((m) => m.ack()), 10);
    try {
      await sending;
      await waitFor('every message delivered', async () => received.length, (n) => n >= total, 30_000, 50);
    } finally {
      clearInterval(acker);
    }
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
