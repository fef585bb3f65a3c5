/**
 * Every `meterflow` command, listed once: name, one line for `meterflow --help`, and a lazy
 * loader, so a command loads only its own modules (the bridge never loads GraphQL). Adding a
 * command is one entry here: a module exporting `command: CliCommand` (core/cli-command.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading: `require` stays CommonJS in the build (an `import()` would need file extensions) */
import * as path from 'node:path';
import type { CliCommand } from '../core/cli-command';
import { serviceNamed } from '../deploy/services';

export interface CommandEntry {
  /** As typed after `meterflow`; a two-word name (`tariff lcl`) makes `tariff` a group. */
  readonly name: string;
  /** One line; the same as the command's help.summary (test/unit/cli/commands.test.ts). */
  readonly summary: string;
  readonly load: () => CliCommand;
  /** Node flags its process needs; meterflow restarts itself with them when they are missing. */
  readonly nodeFlags?: readonly string[];
}

type Module = { command: CliCommand };

/**
 * A development tool that the image leaves out (dashboards/ and its dev dependency:
 * test/unit/deploy/runtime-dependencies.test.ts): the path is built at run time, so the image's
 * import closure does not reach it; in the image the command fails to load, naming the module.
 */
const devOnly = (file: string) => (require(path.join(__dirname, '..', file)) as Module).command;

export const commands: readonly CommandEntry[] = [
  { name: 'bridge', summary: 'MQTT (devices) -> Kafka bridge, at least once; relays signed commands back to the meters.', load: () => (require('../bridge/cli') as Module).command },
  { name: 'sink', summary: 'Raw-readings sink: Kafka -> QuestDB (readings, edge_stats, dead_letters tables).', load: () => (require('../processors/raw-readings-sink/cli') as Module).command },
  {
    name: 'processors',
    summary: 'Stream processors: rolling averages, rollups, leaks and alerts, billing, command log (Kafka -> QuestDB).',
    load: () => (require('../processors/cli') as Module).command,
    nodeFlags: serviceNamed('processors').nodeFlags,
  },
  { name: 'graphql', summary: 'GraphQL API: queries over QuestDB, commands to meters through Kafka, live subscriptions.', load: () => (require('../graphql/cli') as Module).command },
  { name: 'stack', summary: 'The local stack: Mosquitto, Kafka (KRaft) and QuestDB as local processes (up, down, status, logs, …).', load: () => (require('../deploy/stack/cli') as Module).command },
  { name: 'demo', summary: 'Run it all: the local stack, bridge, sink, processors, GraphQL and a 20-meter simulated fleet.', load: () => (require('../deploy/demo') as Module).command },
  { name: 'simulate', summary: "Meter simulator: publishes a fleet's readings over MQTT (QoS 1) and obeys signed commands.", load: () => (require('../load-tests/simulator/cli') as Module).command },
  { name: 'import', summary: 'Import CSV history (plain or gzip) by a mapping or a preset; a re-run adds nothing.', load: () => (require('../history-import/cli') as Module).command },
  { name: 'lifecycle', summary: 'Data lifecycle: how long each QuestDB table and Kafka topic keeps its data (status, apply).', load: () => (require('../core/lifecycle/cli') as Module).command },
  { name: 'gdpr', summary: "GDPR: export everything meterflow holds about a customer, or erase it (pseudonymise what must be kept).", load: () => (require('../core/gdpr/cli') as Module).command },
  { name: 'backup', summary: "Backup and restore: QuestDB's files under a checkpoint, with the consumer groups' offsets (create, restore).", load: () => (require('../deploy/backup/cli') as Module).command },
  { name: 'tariff lcl', summary: 'Convert the Low Carbon London time-of-use schedule into a dated tariff and a billing configuration.', load: () => (require('../core/tariffs/lcl-tariff-cli') as Module).command },
  { name: 'tariff urdb', summary: 'Convert an OpenEI URDB electricity tariff into a time-of-use tariff; optionally publish it through the API.', load: () => (require('../core/tariffs/urdb-tariff-cli') as Module).command },
  { name: 'dashboards', summary: 'Write the Grafana dashboards (as code) to deploy/grafana/dashboards/<uid>.json.', load: () => devOnly('dashboards/build') },
  { name: 'load', summary: "Load test runner (after k6): runs a scenario file's scenarios and prints the end-of-test summary.", load: () => (require('../load-tests/load-cli') as Module).command },
  { name: 'chaos', summary: 'Chaos soak: the whole pipeline on a stack of its own, one random fault per round; counts lost and doubled readings.', load: () => (require('../load-tests/chaos') as Module).command },
  { name: 'bench ingest', summary: 'Ingest benchmark: readings/s through MQTT -> bridge -> Kafka -> sink -> QuestDB (and the processors).', load: () => (require('../load-tests/bench-ingest') as Module).command },
  { name: 'bench bridge', summary: 'Bridge benchmark: readings/s and CPU per reading through the bridge alone, beside Mosquitto alone.', load: () => (require('../load-tests/bench-bridge') as Module).command },
  { name: 'bench processors', summary: 'Processors benchmark: readings/s, CPU per reading and memory of the processors catching up on a topic.', load: () => (require('../load-tests/bench-processors') as Module).command },
  { name: 'bench graphql', summary: 'GraphQL read benchmark: req/s and latency of the API over seeded QuestDB rows, with autocannon.', load: () => (require('../load-tests/bench-graphql') as Module).command },
  { name: 'bench history', summary: 'History benchmark: CPU per reading of the processors over a year of meter history, in process.', load: () => (require('../load-tests/bench-history') as Module).command },
];
