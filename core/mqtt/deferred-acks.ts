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

/**
 * Delivers QoS 1 messages with the PUBACK under the application's control.
 *
 * mqtt.js sends the PUBACK when `handleMessage` calls back, and parses the next packet only
 * after that, so holding the callback until Kafka acknowledges would process one message per
 * Kafka round trip. Instead `handleMessage` calls back at once and the PUBACK it triggers is
 * held here until `ack()`. Held PUBACKs belong to one connection: after a reconnect the broker
 * redelivers the unacknowledged messages (persistent session) and a stale PUBACK could
 * acknowledge a different message that reused the packet id, so they are dropped. Relies on
 * mqtt.js internals (`_sendPacket`), pinned by the bridge's integration tests.
 */
export function deliverWithDeferredAcks(client: MqttClient, onMessage: (message: AckableMessage) => void): void {
  const internal = client as unknown as InternalClient;
  const originalSend = internal._sendPacket.bind(internal);
  let connection = 0;
  /** messageId → the PUBACK waiting for ack(), or 'acked' if ack() came first. */
  const held = new Map<number, { connection: number; state: 'waiting-puback' | 'acked' | { send(): void } }>();

  client.on('connect', () => {
    connection += 1;
    held.clear();
  });
  client.on('close', () => held.clear());

  internal._sendPacket = (packet, cb, ...rest) => {
    const entry = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!entry || entry.connection !== connection) return originalSend(packet, cb, ...rest);
    if (entry.state === 'acked') {
      held.delete(packet.messageId as number);
      return originalSend(packet, cb, ...rest);
    }
    entry.state = { send: () => internal._writePacket(packet) };
    cb?.(); // let mqtt.js parse the next packet now
  };

  client.handleMessage = (packet, callback) => {
    const publish: IPublishPacket = packet;
    if (publish.qos === 1 && publish.messageId !== undefined) {
      const id = publish.messageId;
      const mine = connection;
      const entry = { connection: mine, state: 'waiting-puback' as 'waiting-puback' | 'acked' | { send(): void } };
      held.set(id, entry);
      onMessage({
        topic: publish.topic,
        payload: toBuffer(publish.payload),
        duplicate: publish.dup === true,
        ack() {
          if (held.get(id) !== entry || mine !== connection || !client.connected) return; // superseded: the broker redelivers
          if (typeof entry.state === 'object') {
            held.delete(id);
            entry.state.send();
          } else entry.state = 'acked';
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
