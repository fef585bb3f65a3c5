/**
 * The broker's packet limit (Mosquitto `max_packet_size`) from the bridge's payload limit
 * (MF_MAX_PAYLOAD_BYTES). A PUBLISH is payload plus: fixed header (≤ 5 bytes), topic (2 + its
 * length; the ACL allows only meters/<id ≤ 64>/… and gateways/<id>/…, under 100 bytes),
 * packet id (2) and MQTT v5 properties (a device may add user properties). 4 KiB covers them
 * with room, so a payload up to the limit always reaches the bridge (which dead-letters what is
 * over MF_MAX_PAYLOAD_BYTES, bounded), and anything far larger is cut off by the broker, which
 * disconnects the client before the packet costs anyone else memory.
 */
export const mqttPacketOverheadBytes = 4096;

/** MQTT's own ceiling: 268,435,455 bytes of remaining length plus a 5-byte fixed header. */
export const mqttMaxPacketBytes = 268_435_455 + 5;

export function maxMqttPacketBytes(maxPayloadBytes: number): number {
  return Math.min(maxPayloadBytes + mqttPacketOverheadBytes, mqttMaxPacketBytes);
}
