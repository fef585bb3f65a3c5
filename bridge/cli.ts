import { runCliMain } from '../core/cli-command';
import { serviceCommand } from '../core/cli';
import { createBridge } from './bridge';
import { bridgeOptionsFromConfig } from './bridge-options';

export const command = serviceCommand('bridge', {
  help: {
    summary: 'MQTT (devices) -> Kafka bridge, at least once; relays signed commands back to the meters.',
    usage: '',
    description: `
Subscribes with QoS 1 and a persistent session to meters/+/readings, meters/+/stats and
gateways/+/readings; validates each message; produces readings and edge statistics keyed by
meter id (acks=all) and refused messages to the dead-letter topic; acknowledges to the broker
only after Kafka has. GET /health and /metrics on MF_BRIDGE_HTTP_PORT (default 18081).
SIGTERM drains in-flight messages, then exits.`,
    environment: 'MF_MQTT_*, MF_KAFKA_*, MF_BRIDGE_*, MF_MAX_*, MF_READING_*.',
    examples: ['meterflow bridge', 'MF_BRIDGE_HTTP_PORT=18091 meterflow bridge'],
  },
  async start(config, logger) {
    const bridge = await createBridge(bridgeOptionsFromConfig(config, logger));
    return () => bridge.stop();
  },
});

if (require.main === module) runCliMain('bridge', command);
