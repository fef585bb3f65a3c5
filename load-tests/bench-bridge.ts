import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { describeError } from '../core/errors';
import { startStack } from '../deploy/stack/stack';
import { scrapeMetrics, startChildService, waitForHealth } from '../deploy/child-service';
import { endBridgeSession } from './bench-bridge-session';
import { measureMosquittoAlone } from './mosquitto-baseline';
import { runFleet, type FleetOptions } from './simulator/fleet-simulator';

const flags: FlagSpec[] = [
  { name: 'readings', kind: 'int', default: '50000', description: 'readings in the single-reading phase' },
  { name: 'batched-readings', kind: 'int', default: '200000', description: 'readings in the batched phase' },
  { name: 'batch', kind: 'int', default: '100', description: 'readings per MQTT message in the batched phase' },
  { name: 'meters', kind: 'int', default: '500', description: 'simulated meters' },
  { name: 'port', kind: 'int', default: '18191', description: "the bridge's /health and /metrics port (another bench on the machine may hold the default)" },
  { name: 'verbose', kind: 'bool', description: "print the bridge's log" },
];

const help: CommandHelp = {
  summary: 'Bridge benchmark: readings/s and CPU per reading through the bridge alone, beside Mosquitto alone.',
  usage: '[flags]',
  description: `
Bridge benchmark: readings/s through the bridge alone (MQTT QoS 1 -> bridge -> Kafka,
acknowledged with acks=all), for single-reading messages and for gateway batches, with the
bridge's CPU time per reading and, in the same run with the same publisher, the rate of
Mosquitto alone (publisher -> bare subscriber). Starts (or reuses) the local stack; the
bridge runs as its own process so its CPU is its own. Not a test: it measures.`,
  flags,
  environment: 'MF_STACK_DIR and the stack ports (MF_MQTT_PORT, MF_KAFKA_PORT, …); the bridge reads MF_BRIDGE_*.',
  examples: ['meterflow bench bridge', 'meterflow bench bridge --batch 100'],
};

async function main({ flags: args }: CommandArgs) {
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const verbose = args.verbose === true;
  const port = args.port as number;
  const scrape = () => scrapeMetrics(`http://127.0.0.1:${port}/metrics`);
  await startStack({ log: verbose ? say : () => {} });
  const runId = `bbench${randomUUID().slice(0, 6)}`;
  const config = loadConfig({ ...process.env, MF_KAFKA_TOPIC_PREFIX: `${runId}.` });
  const meters = args.meters as number;
  const fleet = (prefix: string, readings: number, batchSize: number): FleetOptions => ({
    mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_FLEET_USERNAME'), password: config.string('MF_MQTT_FLEET_PASSWORD') },
    meters,
    profile: 'mixed',
    prefix,
    sectors: 8,
    intervalMs: 1000,
    readingsPerMeter: Math.ceil(readings / meters),
    ratePerSecond: 0,
    batchSize,
    maxInFlight: 1000,
    seed: 42,
  });

  const bridge = startChildService(
    'bridge',
    'bridge/cli.ts',
    {
      MF_KAFKA_TOPIC_PREFIX: `${runId}.`,
      MF_BRIDGE_ID: `${runId}-bridge`,
      MF_BRIDGE_SHARE_GROUP: runId,
      MF_BRIDGE_COMMAND_GROUP: `${runId}-commands`,
      MF_BRIDGE_SESSION_EXPIRY_S: '3600', // see test/integration/support/test-services.ts
      MF_BRIDGE_HTTP_PORT: String(port),
      MF_LOG_LEVEL: verbose ? 'info' : 'warn',
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  const lines: string[] = [`machine            ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`];
  const results: Record<string, unknown>[] = [];
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`);
    const phases = [
      { name: 'single', readings: args.readings as number, batch: 1 },
      { name: 'batched', readings: args['batched-readings'] as number, batch: Math.max(2, args.batch as number) },
    ];
    for (const phase of phases) {
      const expected = Math.ceil(phase.readings / meters) * meters;
      say(`${phase.name}: ${expected} readings, ${phase.batch} per message — Mosquitto alone`);
      const bare = await measureMosquittoAlone(fleet(`${runId}-${phase.name}-bare`, phase.readings, phase.batch), {
        url: config.string('MF_MQTT_URL'),
        username: config.string('MF_MQTT_USERNAME'),
        password: config.string('MF_MQTT_PASSWORD'),
        clientId: `${runId}-bare`,
      });
      say(`${phase.name}: through the bridge to Kafka`);
      const before = await scrape();
      const produced = (m: Map<string, number>) => m.get('meterflow_bridge_records_produced_total{topic="readings"}') ?? 0;
      const target = produced(before) + expected;
      const start = Date.now();
      const run = await runFleet(fleet(`${runId}-${phase.name}`, phase.readings, phase.batch));
      let after = before;
      while (produced(after) < target) {
        await new Promise((r) => setTimeout(r, 25));
        after = await scrape();
      }
      const seconds = (Date.now() - start) / 1000;
      await run.done;
      const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
      const rate = expected / seconds;
      const cpuUs = (delta('process_cpu_seconds_total') * 1e6) / expected;
      const requests = delta('meterflow_bridge_kafka_produce_seconds_count');
      const result = {
        phase: phase.name,
        readings: expected,
        readingsPerMessage: phase.batch,
        mosquittoAloneReadingsPerS: Math.round(bare),
        bridgeReadingsPerS: Math.round(rate),
        ratio: Number((rate / bare).toFixed(3)),
        bridgeCpuMicrosPerReading: Number(cpuUs.toFixed(1)),
        kafkaRequests: requests,
        // A readings record holds a micro-batch: readings and records per request both count.
        readingsPerKafkaRequest: Math.round(expected / Math.max(1, requests)),
        readingsPerRecord: Number((expected / Math.max(1, delta('meterflow_bridge_readings_records_produced_total'))).toFixed(1)),
        meanKafkaRequestMs: Number(((delta('meterflow_bridge_kafka_produce_seconds_sum') * 1000) / Math.max(1, requests)).toFixed(2)),
      };
      results.push(result);
      lines.push(
        `${phase.name.padEnd(8)} (${String(phase.batch).padStart(3)}/msg)  Mosquitto alone ${result.mosquittoAloneReadingsPerS} readings/s; bridge -> Kafka ${result.bridgeReadingsPerS} readings/s (ratio ${result.ratio}); ` +
          `bridge CPU ${result.bridgeCpuMicrosPerReading} us/reading; ${result.kafkaRequests} Kafka requests of ~${result.readingsPerKafkaRequest} readings (${result.readingsPerRecord} per record), ${result.meanKafkaRequestMs} ms each`,
      );
    }
  } finally {
    await bridge.stop();
    const mqtt = { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_USERNAME'), password: config.string('MF_MQTT_PASSWORD') };
    await endBridgeSession(mqtt, `meterflow-${runId}-bridge`).catch((error: unknown) => say(`could not end the bridge's MQTT session: ${describeError(error)}`));
  }
  process.stdout.write(`${lines.join('\n')}\n${JSON.stringify(results)}\n`);
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('bench bridge', command);
