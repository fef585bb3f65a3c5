import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import type { Reading } from '../core/contracts';
import { defaultBillingConfig } from '../core/tariffs/default-billing-config';
import { createHistoryPlan } from '../history-import/history-plan';
import { resolveImportMapping } from '../history-import/import-mapping';
import { readHistoryFile } from '../history-import/read-history-file';
import { createAlertsProcessor } from '../processors/alerts/alerts-processor';
import { parseAlertRulesConfig } from '../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../processors/billing/billing-processor';
import { createBillingEngine } from '../processors/billing/billing-state';
import { parseLeakConfig } from '../processors/leak-detection/leak-config';
import { createRollingAverages } from '../processors/rolling-averages/rolling-averages';
import { parseSlidingWindows, parseTumblingWindows } from '../processors/rolling-averages/window-specs';
import type { KeyedProcessor } from '../processors/runtime/keyed-processor';
import { createDuplicateFilter } from '../processors/runtime/duplicate-filter';
import { createPartitionTask, defaultDuplicateWindow, type EmittedEvent, type LateReading } from '../processors/runtime/partition-task';
import { createIlpWriter, type IlpWriter } from '../core/questdb/ilp-writer';
import { createKafkaTopics } from '../core/contracts/kafka-topics';
import { countOutputs, outputRecords, writeOutputRows } from '../processors/runtime/flush-outputs';
import { createReadingsTopology, type ReadingsTopology } from '../processors/topology';

const flags: FlagSpec[] = [
  { name: 'file', kind: 'string', default: path.join('test', 'fixtures', 'daiad', 'swm_trialA_6meters.csv.gz'), description: 'history to replay (CSV, plain or gzip), read with the import' },
  { name: 'preset', kind: 'string', default: 'daiad', description: 'import preset of the file' },
  { name: 'order', kind: 'string', default: 'meter', oneOf: ['meter', 'time'], description: "meter: meter after meter, each in time order (npm run import -- --order meter); time: all meters interleaved in time (the import's default)" },
  { name: 'windows', kind: 'string', default: '15m/5m,1h/15m,24h/1h', description: 'rolling windows (MF_ROLLING_WINDOWS)' },
  { name: 'buckets', kind: 'string', default: '1m,1h,1d', description: 'rollup buckets (MF_ROLLUP_BUCKETS)' },
  { name: 'time-zone', kind: 'string', default: 'Europe/Madrid', description: 'billing and rollup time zone' },
];

const help: CommandHelp = {
  summary: 'History benchmark: CPU per reading of the processors over a year of meter history, in process.',
  usage: '[flags]',
  description: `
History benchmark: a year of real meter history (the DAIAD fixture by default, read with the
import's own reader) through the three processors in this process, one partition task each as
the runner holds them, no Kafka or QuestDB. Prints per processor the CPU time per reading, the
readings per second it alone would sustain, and how many results (and table rows) each reading
makes: the results are what the runner then writes to QuestDB and Kafka. As in the runner, exact
copies are filtered once before the processors (row "duplicate filter"), and the row "outputs"
is the runner's own output step (processors/runtime/flush-outputs.ts): the results' ILP rows
(into a QuestDB client buffer that is never sent), their Kafka records and the metric counts.
Not counted: kafkajs (~13-17 us of CPU per record on the 2-core machine), the network, QuestDB
and Kafka themselves. Not a test: it measures.`,
  flags,
  environment: 'MF_BILLING_* and MF_PROCESSORS_* as the processors read them.',
  examples: ['meterflow bench history'],
};

async function loadHistory(file: string, preset: string): Promise<Reading[][]> {
  const mapping = resolveImportMapping({ preset });
  const plan = createHistoryPlan(mapping);
  await readHistoryFile(file, mapping, plan);
  const { meters } = plan.build(Date.now(), { maxFutureMs: 600_000 });
  return [...meters.values()].map((planned) => planned.map((p) => p.reading));
}

async function main({ flags: args }: CommandArgs): Promise<void> {
  const perMeter = await loadHistory(String(args.file), String(args.preset));
  const receivedAt = Date.now();
  // Receive times grow by 1 ms per reading, as an import at ~1,000 readings/ms would stamp them.
  const readings = (args.order === 'meter' ? perMeter.flat() : perMeter.flat().sort((a, b) => a.ts - b.ts)).map((r, i) => ({ ...r, receivedAt: receivedAt + Math.floor(i / 1000) }));
  const zone = String(args['time-zone']);
  const rules = parseAlertRulesConfig({});
  const processors: KeyedProcessor<unknown>[] = [
    createRollingAverages({ sliding: parseSlidingWindows(String(args.windows)), tumbling: parseTumblingWindows(String(args.buckets)), timeZone: zone }) as KeyedProcessor<unknown>,
    createAlertsProcessor({ leak: parseLeakConfig({}), rules }) as KeyedProcessor<unknown>,
    createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water', 'electricity', 'gas'], timeZone: zone, provisionalIntervalMs: 3_600_000, rules }) as KeyedProcessor<unknown>,
  ];
  process.stdout.write(`${readings.length.toLocaleString('en-US')} readings of ${perMeter.length} meters (${String(args.file)}), order: ${String(args.order)}; windows ${String(args.windows)}, buckets ${String(args.buckets)}\n\n`);
  process.stdout.write('| step | µs per reading | readings/s alone | results per reading | rows per reading | late |\n|---|---:|---:|---:|---:|---:|\n');
  const cpuUs = (started: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(started);
    return used.user + used.system;
  };
  const line = (name: string, us: number, results = '', rows = '', late = '') => process.stdout.write(`| ${name} | ${us.toFixed(1)} | ${Math.round(1e6 / us).toLocaleString('en-US')} | ${results} | ${rows} | ${late} |\n`);
  // Records of 1,000 readings, as the import sends them; exact copies dropped once for all processors, as the runner does.
  const records: { offset: number; reading: Reading }[][] = [];
  const filter = createDuplicateFilter(defaultDuplicateWindow);
  let started = process.cpuUsage();
  for (let i = 0; i < readings.length; i += 1000) {
    records.push(readings.slice(i, i + 1000).flatMap((reading, k) => (filter.seen(reading) ? [] : [{ offset: i + k, reading }])));
  }
  let totalUs = cpuUs(started) / readings.length;
  line('duplicate filter', totalUs);
  // The client asks the server which protocol versions it speaks: answered here as QuestDB 9.2
  // does, so the rows are encoded as the runner encodes them. Nothing else is ever sent (no flush).
  const settings = http.createServer((_req, res) => res.end(JSON.stringify({ config: { 'line.proto.support.versions': [1, 2, 3] } })));
  await new Promise<void>((resolve) => settings.listen(0, '127.0.0.1', resolve));
  const writer: IlpWriter = await createIlpWriter(`http://127.0.0.1:${(settings.address() as AddressInfo).port}`);
  let outputsUs = 0;
  const topology = createReadingsTopology({ groupIdPrefix: 'bench', topics: createKafkaTopics(), processors });
  for (const processor of processors) {
    const task = createPartitionTask(processor, { partition: 0, allowedLatenessMs: 120_000, duplicateWindow: 0 });
    let results = 0;
    let rows = 0;
    let late = 0;
    let us = 0;
    for (const batch of records) {
      started = process.cpuUsage();
      const out = task.process(batch);
      us += cpuUs(started);
      results += out.events.length;
      for (const e of out.events) rows += e.rows.length;
      late += out.late.length;
      started = process.cpuUsage();
      await encodeOutputs(writer, topology.routes, processor.name, out.events, out.late);
      outputsUs += cpuUs(started);
    }
    us /= readings.length;
    totalUs += us;
    line(processor.name, us, (results / readings.length).toFixed(2), (rows / readings.length).toFixed(2), String(late));
  }
  outputsUs /= readings.length;
  totalUs += outputsUs;
  line('outputs (ILP rows, records, counts)', outputsUs);
  await writer.close();
  settings.close();
  line('all', totalUs);
}

/** The topology runner's output step for one batch's results, up to sending: ILP rows, topic records, metric counts. */
async function encodeOutputs(writer: IlpWriter, routes: ReadingsTopology['routes'], processor: string, events: EmittedEvent[], late: LateReading[]): Promise<void> {
  const outputs = { events: events.map((emitted) => ({ processor, partition: 0, emitted })), late: late.map((l) => ({ processor, partition: 0, late: l })) };
  await writeOutputRows(writer, outputs);
  outputRecords(routes, outputs.events);
  countOutputs(outputs);
  writer.discard();
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('bench history', command);
