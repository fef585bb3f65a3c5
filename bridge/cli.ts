import { runService } from '../core/cli';
import { createBridge } from './bridge';
import { bridgeOptionsFromConfig } from './bridge-options';

runService('bridge', {
  usage: `
meterflow bridge: MQTT (devices) -> Kafka, at least once.

Usage: npm run bridge            (or: node dist/bridge/cli.js)

Subscribes with QoS 1 and a persistent session to meters/+/readings, meters/+/stats and
gateways/+/readings; validates each message; produces readings and edge statistics keyed by
meter id (acks=all) and refused messages to the dead-letter topic; acknowledges to the broker
only after Kafka has. Configured by environment variables (MF_MQTT_*, MF_KAFKA_*, MF_BRIDGE_*,
MF_MAX_*, MF_READING_*): see docs/configuration.md. GET /health and /metrics on
MF_BRIDGE_HTTP_PORT. SIGTERM drains in-flight messages, then exits.
`,
  async start(config, logger) {
    const bridge = await createBridge(bridgeOptionsFromConfig(config, logger));
    return () => bridge.stop();
  },
});
