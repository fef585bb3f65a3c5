import type { FlagSpec } from '../../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../../core/cli-command';
import { loadConfig } from '../../core/config';
import { parseEdgeStatsInterval } from './edge-summarizer';
import { runFleet } from './fleet-simulator';

const flags: FlagSpec[] = [
  { name: 'meters', kind: 'int', default: '20', description: 'number of simulated meters' },
  { name: 'profile', kind: 'string', default: 'mixed', oneOf: ['water', 'electricity', 'mixed', 'temperature'], description: 'water, electricity, mixed (alternating), or temperature (fridge thermometers: compressor cycle, door-open spikes)' },
  { name: 'edge-stats', kind: 'string', description: 'edge-statistics mode: publish per-meter summaries (count, min, max, mean) over aligned intervals of this length (e.g. 5m, 1h, 30s) on meters/<id>/stats instead of the readings' },
  { name: 'fridge-failure-after', kind: 'int', description: 'temperature profile: the first fridge\'s cooling fails this many minutes after the first reading (+0.15 °C/min)' },
  { name: 'interval-ms', kind: 'int', default: '1000', description: "event-time spacing of one meter's readings" },
  { name: 'count', kind: 'int', description: 'readings per meter, then exit (default: run until Ctrl-C)' },
  { name: 'rate', kind: 'int', description: 'fleet publish rate, readings/s; 0 = as fast as possible (default: real time, meters*1000/interval-ms)' },
  { name: 'batch', kind: 'int', default: '1', description: 'readings per MQTT message; >1 sends gateway batches' },
  { name: 'prefix', kind: 'string', default: 'sim', description: 'meter id prefix' },
  { name: 'sectors', kind: 'int', default: '4', description: 'sectors the meters are spread over' },
  { name: 'seed', kind: 'int', default: '1', description: 'random seed (same seed, same fleet)' },
  { name: 'ignore-commands', kind: 'bool', description: 'do not read meters/+/commands (by default the fleet obeys signed block/unblock commands and acks them)' },
];

const help: CommandHelp = {
  summary: 'Meter simulator: publishes a fleet\'s readings over MQTT (QoS 1) and obeys signed commands.',
  usage: '[flags]',
  description: `
Publishes readings of --meters simulated meters (water, electricity or temperature profiles, or
edge-statistics summaries) and, unless --ignore-commands, obeys signed block/unblock commands
and acknowledges them. Progress goes to stderr; the result as JSON on stdout.`,
  flags,
  environment: 'MF_MQTT_URL, MF_MQTT_FLEET_USERNAME, MF_MQTT_FLEET_PASSWORD (a gateway account); command signatures\n  are checked with secrets derived from MF_METER_MASTER_KEY.',
  examples: ['meterflow simulate --meters 100 --count 100 --rate 0', 'meterflow simulate --profile temperature --meters 5 --interval-ms 10000 --edge-stats 5m --fridge-failure-after 60'],
};


async function main({ flags: args }: CommandArgs) {
  const config = loadConfig();
  const meters = args.meters as number;
  const intervalMs = Math.max(1, args['interval-ms'] as number);
  const edgeStats = args['edge-stats'] === undefined ? undefined : parseEdgeStatsInterval(args['edge-stats'] as string);
  const failureAfter = args['fridge-failure-after'] as number | undefined;
  const startTs = Date.now() - ((args.count as number | undefined) ?? 0) * intervalMs;
  const fleet = await runFleet({
    mqtt: { url: config.string('MF_MQTT_URL'), username: config.string('MF_MQTT_FLEET_USERNAME'), password: config.string('MF_MQTT_FLEET_PASSWORD') },
    meters,
    profile: args.profile as 'water' | 'electricity' | 'mixed' | 'temperature',
    startTs,
    ...(edgeStats !== undefined ? { edgeStatsIntervalMs: edgeStats } : {}),
    ...(failureAfter !== undefined ? { fridge: { failureAtTs: startTs + failureAfter * 60_000 } } : {}),
    prefix: args.prefix as string,
    sectors: Math.max(1, args.sectors as number),
    intervalMs,
    readingsPerMeter: (args.count as number | undefined) ?? null,
    ratePerSecond: (args.rate as number | undefined) ?? Math.ceil((meters * 1000) / intervalMs),
    batchSize: Math.max(1, args.batch as number),
    maxInFlight: 500,
    seed: args.seed as number,
    ...(args['ignore-commands'] === true ? {} : { commands: { masterKey: config.string('MF_METER_MASTER_KEY') } }),
    onProgress: (n) => process.stderr.write(`simulator: ${n} readings published\n`),
  });
  process.stderr.write(`simulator: ${meters} meters (${fleet.meterIds[0]} … ${fleet.meterIds[fleet.meterIds.length - 1]}) publishing to ${config.string('MF_MQTT_URL')}\n`);
  process.on('SIGINT', () => void fleet.stop());
  process.on('SIGTERM', () => void fleet.stop());
  const result = await fleet.done;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('simulate', command);
