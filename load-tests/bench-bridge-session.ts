import { connectMqtt } from '../core/mqtt/mqtt-connection';

/**
 * Ends the persistent MQTT session a bench's bridge leaves behind. Each run has its own share
 * group and bridge client id; left to expire (an hour, see the benches' MF_BRIDGE_SESSION_EXPIRY_S),
 * the session of every earlier run queues every reading later runs publish, and Mosquitto's
 * memory and its periodic saves grow run after run (2 GB after about fifteen runs), slowing every
 * later run. Connecting with the same client id and a clean start discards the session at once.
 */
export async function endBridgeSession(mqtt: { url: string; username: string; password: string }, clientId: string): Promise<void> {
  const client = await connectMqtt({ ...mqtt, clientId, clean: true });
  await client.endAsync();
}
