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
 * At most `maxHeld` messages are held: beyond that mqtt.js is not let to parse the next packet
 * until PUBACKs go out, so the socket stops being read and TCP holds the broker back. The
 * broker should never send more than our Receive Maximum, but Mosquitto 2.0.11 does under a
 * flood (24,000 and more in flight); past 65,535 it reuses packet ids still held, and a message
 * whose id was reused can never be acknowledged (the whole DAIAD trial over MQTT stalled so).
 * An id reused anyway (a broker without that bound) gives up the older message's PUBACK (the
 * new one's acknowledges the id) rather than hold every later PUBACK behind it.
 *
 * Held PUBACKs belong to one connection: after a reconnect the broker redelivers the
 * unacknowledged messages (persistent session) and a stale PUBACK could acknowledge a different
 * message that reused the packet id, so they are dropped. Relies on mqtt.js internals
 * (`_sendPacket`, whose callback lets mqtt.js parse the next packet), pinned by the bridge's
 * integration tests.
 */
export function deliverWithDeferredAcks(client: MqttClient, onMessage: (message: AckableMessage) => void, options: { maxHeld?: number } = {}): void {
  const maxHeld = options.maxHeld ?? 65_535;
  const internal = client as unknown as InternalClient;
  const originalSend = internal._sendPacket.bind(internal);
  let connection = 0;
  const held = new Map<number, HeldMessage>();
  // Arrival order; `head` is the first not yet acknowledged to the broker.
  let queue: HeldMessage[] = [];
  let head = 0;
  /** mqtt.js's go-ahead to parse the next packet, kept while too many are held. */
  let paused: (() => void) | null = null;
  const reset = () => {
    held.clear();
    queue = [];
    head = 0;
    paused = null; // that connection's socket is gone
  };
  const heldCount = () => queue.length - head;
  const flush = () => {
    while (head < queue.length) {
      const next = queue[head]!;
      if (!next.acked || next.send === null) break;
      head += 1;
      if (held.get(next.id) === next) held.delete(next.id);
      next.send();
    }
    // Drop the sent prefix now and then rather than shifting one by one.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    // Last: resuming may parse (and flush for) the next packets at once.
    if (paused !== null && heldCount() < maxHeld) {
      const resume = paused;
      paused = null;
      resume();
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
    flush();
    // Let mqtt.js parse the next packet now, or once PUBACKs have gone out.
    if (heldCount() < maxHeld) cb?.();
    else paused = () => cb?.();
  };

  client.handleMessage = (packet, callback) => {
    const publish: IPublishPacket = packet;
    if (publish.qos === 1 && publish.messageId !== undefined) {
      const entry: HeldMessage = { id: publish.messageId, connection, acked: false, send: null };
      const reused = held.get(entry.id);
      if (reused) {
        // The broker reused a held packet id: the new message's PUBACK acknowledges the id.
        reused.acked = true;
        reused.send = () => undefined;
        flush();
      }
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
