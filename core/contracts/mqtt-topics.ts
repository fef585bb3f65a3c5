/**
 * MQTT topic tree. The meter id in the topic is the device's identity: with per-meter
 * credentials the broker's ACL (`pattern write meters/%u/readings`) ties it to the login,
 * so a payload's meterId must agree with it.
 */
export const mqttTopics = {
  /** One reading; device → platform. */
  reading: (meterId: string) => `meters/${meterId}/readings`,
  /** Edge statistics over an interval; device → platform. */
  edgeStats: (meterId: string) => `meters/${meterId}/stats`,
  /** Many readings of many meters from a concentrator or gateway; gateway → platform. */
  gatewayBatch: (gatewayId: string) => `gateways/${gatewayId}/readings`,
  /** Commands (block, unblock, …); platform → device. */
  command: (meterId: string) => `meters/${meterId}/commands`,
  /** A device's answer to a command; device → platform. */
  commandAck: (meterId: string) => `meters/${meterId}/acks`,
} as const;

/** What the bridge subscribes to for incoming device data (and device answers to commands). */
export const ingestSubscriptions = ['meters/+/readings', 'meters/+/stats', 'gateways/+/readings', 'meters/+/acks'] as const;

/**
 * The same filters as an MQTT shared subscription, so several bridge instances split the
 * messages between them (each message goes to one member of the group).
 */
export function sharedSubscriptions(group: string): string[] {
  return ingestSubscriptions.map((filter) => `$share/${group}/${filter}`);
}

export type DeviceTopic =
  | { type: 'reading'; meterId: string }
  | { type: 'edge-stats'; meterId: string }
  | { type: 'gateway-batch'; gatewayId: string }
  | { type: 'command-ack'; meterId: string };

/** Classifies an incoming topic; null for anything outside the tree. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 3) return null;
  const [root, id, leaf] = parts as [string, string, string];
  if (id.length === 0) return null;
  if (root === 'meters') {
    if (leaf === 'readings') return { type: 'reading', meterId: id };
    if (leaf === 'stats') return { type: 'edge-stats', meterId: id };
    if (leaf === 'acks') return { type: 'command-ack', meterId: id };
  }
  if (root === 'gateways' && leaf === 'readings') return { type: 'gateway-batch', gatewayId: id };
  return null;
}
