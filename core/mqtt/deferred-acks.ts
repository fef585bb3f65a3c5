import type { IPublishPacket, MqttClient } from 'mqtt';

/** An incoming QoS 1 message whose PUBACK the application sends when it is safe to. */
export interface AckableMessage {
  topic: string;
  payload: Buffer;
  /** True when the broker marked it as a redelivery. */
  duplicate: boolean;
  /** Sends the PUBACK. Call only once the message is durable downstream. */
  ack(): void;
}

interface InternalClient {
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]): void;
  _writePacket(packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void): void;
}

/** One QoS 1 message of the current connection, in arrival order. */
interface HeldMessage {
  id: number;
  connection: number;
  acked: boolean;
  /** Writes its PUBACK; null until mqtt.js asked to send it. */
  send: (() => void) | null;
}

/**
 * Delivers QoS 1 messages with the PUBACK under the application's control.
 *
 * mqtt.js sends the PUBACK when `handleMessage` calls back, and parses the next packet only
 * after that, so holding the callback until Kafka acknowledges would process one message per
 * Kafka round trip. Instead `handleMessage` calls back at once and the PUBACK it triggers is
 * held here until `ack()`.
 *
 * PUBACKs leave in the order the messages arrived (MQTT-4.6.0-2), whatever order `ack()` is
 * called in: a message acked early waits for those before it, so one slow Kafka send delays
 * the PUBACKs behind it (never loses them). Acknowledged out of order, Mosquitto 2.0.11 (Debian
 * 12) delivers one device's messages out of order: a PUBACK for a message deep in its in-flight
 * list frees send quota but moves no queued message into flight, so the next message published
 * goes out ahead of the older ones still queued (a full-speed history replay had blocks of
 * hundreds of a meter's readings overtaken; test/integration/mqtt-ack-order.test.ts).
 *
 * Held PUBACKs belong to one connection: after a reconnect the broker redelivers the
 * unacknowledged messages (persistent session) and a stale PUBACK could acknowledge a different
 * message that reused the packet id, so they are dropped. Relies on mqtt.js internals
 * (`_sendPacket`), pinned by the bridge's integration tests.
 */
export function deliverWithDeferredAcks(client: MqttClient, onMessage: (message: AckableMessage) => void): void {
  const internal = client as unknown as InternalClient;
  const originalSend = internal._sendPacket.bind(internal);
  let connection = 0;
  const held = new Map<number, HeldMessage>();
  // Arrival order; `head` is the first not yet acknowledged to the broker.
  let queue: HeldMessage[] = [];
  let head = 0;
  const reset = () => {
    held.clear();
    queue = [];
    head = 0;
  };
  const flush = () => {
    while (head < queue.length) {
      const next = queue[head]!;
      if (!next.acked || next.send === null) break;
      head += 1;
      held.delete(next.id);
      next.send();
    }
    // Drop the sent prefix now and then rather than shifting one by one.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  client.on('connect', () => {
    connection += 1;
    reset();
  });
  client.on('close', reset);

  internal._sendPacket = (packet, cb, ...rest) => {
    const entry = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!entry || entry.connection !== connection) return originalSend(packet, cb, ...rest);
    entry.send = () => internal._writePacket(packet);
    cb?.(); // let mqtt.js parse the next packet now
    flush();
  };

  client.handleMessage = (packet, callback) => {
    const publish: IPublishPacket = packet;
    if (publish.qos === 1 && publish.messageId !== undefined) {
      const entry: HeldMessage = { id: publish.messageId, connection, acked: false, send: null };
      held.set(entry.id, entry);
      queue.push(entry);
      onMessage({
        topic: publish.topic,
        payload: toBuffer(publish.payload),
        duplicate: publish.dup === true,
        ack() {
          // Superseded (a reconnect since): the broker redelivers it.
          if (held.get(entry.id) !== entry || entry.connection !== connection || !client.connected) return;
          entry.acked = true;
          flush();
        },
      });
    } else {
      onMessage({ topic: publish.topic, payload: toBuffer(publish.payload), duplicate: publish.dup === true, ack() {} });
    }
    callback();
  };
}

function toBuffer(payload: string | Buffer): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload) : payload;
}
