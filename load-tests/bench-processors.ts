import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { createKafkaTopics, type Reading } from '../core/contracts';
import { createKafkaClient, defaultPartitionOf } from '../core/kafka';
import { encodeReading, encodeReadingsRecord } from '../core/streams/readings';
import { silentLogger } from '../core/logger';
import { startStack } from '../deploy/stack/stack';
import { scrapeMetrics, startChildService, waitForHealth } from '../deploy/child-service';
import { serviceNamed } from '../deploy/services';
import { createRollingAverages } from '../processors/rolling-averages/rolling-averages';
import { readingsGroupId } from '../processors/topology';
import { parseSlidingWindows, parseTumblingWindows } from '../processors/rolling-averages/window-specs';
import { createAlertsProcessor } from '../processors/alerts/alerts-processor';
import { parseLeakConfig } from '../processors/leak-detection/leak-config';
import { parseAlertRulesConfig } from '../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../processors/billing/billing-processor';
import { createBillingEngine } from '../processors/billing/billing-state';
import { defaultBillingConfig } from '../core/tariffs/default-billing-config';
import { createPartitionTask } from '../processors/runtime/partition-task';

const flags: FlagSpec[] = [
  { name: 'meters', kind: 'int', default: '10000', description: 'active meters' },
  { name: 'readings-per-meter', kind: 'int', default: '20', description: 'readings per meter (one a minute in event time)' },
  { name: 'import', kind: 'string', description: 'fill the topic with this history file through `npm run import` (--preset, --rate 0) instead of synthetic meters, e.g. test/fixtures/daiad/swm_trialA.csv.gz: a year of 92 meters, hourly' },
  { name: 'preset', kind: 'string', default: 'daiad', description: 'the import preset of --import (daiad, lcl)' },
  { name: 'node-args', kind: 'string', default: serviceNamed('processors').nodeFlags.join(' '), description: 'node flags of the processors process, space-separated (default: those of npm run processors; e.g. --max-semi-space-size=16 for V8\'s default)' },
  { name: 'verbose', kind: 'bool', description: "print the processors' log" },
  { name: 'state-only', kind: 'bool', description: 'no servers: feed the meters through the three processors in this process (partition tasks, as the runner does) and print the state memory per 100,000 active meters' },
];

const help: CommandHelp = {
  summary: 'Processors benchmark: readings/s, CPU per reading and memory of the processors catching up on a topic.',
  usage: '[flags]',
  description: `
Processors benchmark: fills a fresh readings topic (straight into Kafka, no MQTT), then runs
the stream processors (meterflow processors, as their own process) over it from the start and
prints readings/s until the consumer group has caught up, Node CPU time per reading, and the
resident memory the processors' state takes per 10,000 active meters. With --import, the topic
holds a history file instead (how fast the processors catch up after an import: #13's target
is 20,000 readings/s on a year of hourly history). Starts (or reuses) the local stack. Not a
test: it measures.`,
  flags,
  environment: 'MF_STACK_DIR and the stack ports; the processors read MF_PROCESSORS_*, MF_BILLING_*.',
  examples: ['meterflow bench processors --meters 10000 --readings-per-meter 20', 'MF_BILLING_TIME_ZONE=Europe/Madrid meterflow bench processors --import test/fixtures/daiad/swm_trialA.csv.gz'],
};

const port = 18193;

const scrape = () => scrapeMetrics(`http://127.0.0.1:${port}/metrics`);

async function main({ flags: args }: CommandArgs) {
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  let meters = args.meters as number;
  const perMeter = args['readings-per-meter'] as number;
  if (args['state-only']) return stateOnly(meters, perMeter);
  await startStack({ log: args.verbose ? say : () => {} });
  const runId = `pbench${randomUUID().slice(0, 6)}`;
  const config = loadConfig({ ...process.env, MF_KAFKA_TOPIC_PREFIX: `${runId}.` });
  const topics = createKafkaTopics(`${runId}.`, config.int('MF_KAFKA_PARTITIONS'));
  const kafka = createKafkaClient({ brokers: config.list('MF_KAFKA_BROKERS'), clientId: runId, logger: silentLogger });
  await kafka.ensureTopics([topics.readings]);
  let total = meters * perMeter;
  if (typeof args.import === 'string') {
    say(`importing ${args.import} into ${topics.readings.name}`);
    ({ readings: total, meters } = await importHistory(args.import, args.preset as string, runId));
  } else await fillSynthetic();
  async function fillSynthetic() {
    const producer = await kafka.createProducer();
    const t0 = Math.floor((Date.now() - (perMeter + 120) * 60_000) / 60_000) * 60_000;
    say(`writing ${total} readings of ${meters} meters to ${topics.readings.name}`);
    for (let k = 0; k < perMeter; k += 1) {
      const batch: Reading[] = [];
      for (let m = 0; m < meters; m += 1) {
        // Flow in L/min and the register it integrates, so every processor (rolling, alerts, billing) has work.
        batch.push({ meterId: `${runId}-m${m}`, kind: 'water', ts: t0 + k * 60_000 + (m % 60) * 1000, value: (m + k) % 17, valueUnit: 'L/min', register: 1000 * m + 8 * k * (m % 5), registerUnit: 'L', seq: k, sector: `${runId}-s${m % 20}`, receivedAt: Date.now() });
      }
      // As the bridge writes them: records of up to 500 readings of one partition (core/streams/readings.ts).
      const byPartition = new Map<number, Reading[]>();
      for (const r of batch) {
        const p = defaultPartitionOf(r.meterId, topics.readings.partitions);
        const list = byPartition.get(p) ?? [];
        if (!byPartition.has(p)) byPartition.set(p, list);
        list.push(r);
      }
      const records = [...byPartition.values()].flatMap((list) =>
        Array.from({ length: Math.ceil(list.length / 500) }, (_, i) => list.slice(i * 500, i * 500 + 500)).map((part) => ({ topic: topics.readings.name, key: part[0]!.meterId, value: encodeReadingsRecord(part.map(encodeReading)) })),
      );
      // A few records per request: records of one partition share a Kafka record batch, which must stay under the broker's 1 MB message limit.
      for (let i = 0; i < records.length; i += 4) await producer.sendBatch(records.slice(i, i + 4));
    }
    await producer.disconnect();
  }

  const group = `${runId}-processors`;
  const child = startChildService('processors', 'processors/cli.ts', { MF_KAFKA_TOPIC_PREFIX: `${runId}.`, MF_PROCESSORS_GROUP_ID: group, MF_PROCESSORS_HTTP_PORT: String(port), MF_LOG_LEVEL: args.verbose ? 'info' : 'warn' }, (line) => process.stderr.write(`${line}\n`), (args['node-args'] as string).split(' ').filter(Boolean));
  try {
    // Startup on a loaded, shared 2-core machine can take over a minute (Kafka group joins, QuestDB DDL).
    await waitForHealth(`http://127.0.0.1:${port}/health`, 180_000);
    const before = await scrape();
    const start = Date.now();
    say('processing');
    const processors = ['rolling-averages', 'alerts', 'billing'];
    // One group for the three (the readings topology): its lag is every processor's.
    const lag = () => kafka.groupLag(readingsGroupId(group), topics.readings.name).catch(() => total);
    let lastLog = 0;
    // Wait until the topology's group has committed the whole topic.
    for (let remaining = await lag(); remaining > 0; remaining = await lag()) {
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        say(`${remaining} records still to commit (${processors.join(', ')})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    let after = await scrape();
    const seconds = (Date.now() - start) / 1000;
    // Let the last flush (outputs + checkpoint) finish before reading CPU and memory.
    await new Promise((r) => setTimeout(r, 1000));
    after = await scrape();
    const cpu = (after.get('process_cpu_seconds_total') ?? 0) - (before.get('process_cpu_seconds_total') ?? 0);
    const rssMb = (after.get('process_resident_memory_bytes') ?? 0) / 1e6;
    const baseMb = (before.get('process_resident_memory_bytes') ?? 0) / 1e6;
    // One series per processor (labelled): the sum is every key held.
    const keys = [...after].filter(([k]) => k.startsWith('meterflow_processors_state_keys')).reduce((n, [, v]) => n + v, 0);
    const heapMb = (after.get('nodejs_heap_size_used_bytes') ?? 0) / 1e6;
    const heapBaseMb = (before.get('nodejs_heap_size_used_bytes') ?? 0) / 1e6;
    // Measured for `meters` meters, scaled linearly to 100,000 active meters on top of the
    // process's own footprint at start (target: ≤ 1 GB RSS per 100,000 active meters).
    const per100k = (now: number, base: number) => Number((base + ((now - base) * 100_000) / meters).toFixed(0));
    const result = {
      machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      readings: total,
      meters,
      readingsPerS: Math.round(total / seconds),
      cpuMicrosPerReading: Number(((cpu * 1e6) / total).toFixed(1)),
      rssMb: Number(rssMb.toFixed(1)),
      rssAtStartMb: Number(baseMb.toFixed(1)),
      stateMbPer10kMeters: Number((((rssMb - baseMb) * 10_000) / meters).toFixed(1)),
      stateKeys: keys,
      heapMb: Number(heapMb.toFixed(1)),
      heapAtStartMb: Number(heapBaseMb.toFixed(1)),
      rssMbPer100kMeters: per100k(rssMb, baseMb),
      heapMbPer100kMeters: per100k(heapMb, heapBaseMb),
      rowsEmitted: [...after].filter(([k]) => k.startsWith('meterflow_processors_rows_emitted_total')).reduce((n, [, v]) => n + v, 0),
    };
    process.stdout.write(
      [
        `machine          ${result.machine}`,
        `processors       rolling averages (15m/5m, 1h/15m, 24h/1h per meter) + rollups (1m, 1h, 1d per sector and fleet), alerts (leak detection + rules), billing`,
        `readings         ${total} (${typeof args.import === 'string' ? `${args.import}: ${meters} meters` : `${meters} meters x ${perMeter}`})${args['node-args'] ? `, node ${args['node-args']}` : ''}`,
        `throughput       ${result.readingsPerS} readings/s (Kafka -> state -> QuestDB outputs + checkpoints, every group committed)`,
        `CPU              ${result.cpuMicrosPerReading} us per reading`,
        // Per-meter memory scaled from a history's handful of meters (each with a year of state) would mislead.
        ...(typeof args.import === 'string'
          ? [`memory           RSS ${result.rssMb} MB (at start ${result.rssAtStartMb} MB), V8 heap ${result.heapMb} MB (at start ${result.heapAtStartMb} MB)`]
          : [
              `memory           RSS ${result.rssMb} MB (at start ${result.rssAtStartMb} MB): ~${result.stateMbPer10kMeters} MB per 10,000 active meters`,
              `memory/100k      RSS ~${result.rssMbPer100kMeters} MB, V8 heap ~${result.heapMbPer100kMeters} MB per 100,000 active meters (measured at ${meters}, scaled linearly from the start footprint; heap ${result.heapMb} MB, at start ${result.heapAtStartMb} MB)`,
            ]),
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    await child.stop();
  }
}

/** Imports a history file into the run's topics with the import command (its own process); what its summary counted. */
async function importHistory(file: string, preset: string, runId: string): Promise<{ readings: number; meters: number }> {
  const args = ['--import', 'tsx', 'history-import/cli.ts', '--preset', preset, '--rate', '0', '--check-stored', 'false', '--wait-stored-s', '0', file];
  const child = spawn(process.execPath, args, { env: { ...process.env, MF_KAFKA_TOPIC_PREFIX: `${runId}.` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let summary = '';
  child.stdout.on('data', (chunk: Buffer) => (summary += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (summary += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const count = (label: string) => Number(new RegExp(`\\n\\s*${label}\\s+([\\d,]+)`).exec(summary)?.[1]?.replaceAll(',', '') ?? NaN);
  if (code !== 0 || !Number.isFinite(count('imported'))) throw new Error(`import of ${file} failed (exit ${code}):\n${summary.slice(-2000)}`);
  return { readings: count('imported'), meters: count('meters') };
}

/**
 * The state the processors hold per active meter, without servers or I/O buffers: the same
 * processors as `npm run processors` (default options) fed through one partition task each, as
 * the runner does, then heap and RSS measured after a GC (run with --expose-gc for exact heap).
 */
function stateOnly(meters: number, perMeter: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = () => {
    gc?.();
    const m = process.memoryUsage();
    return { heap: m.heapUsed / 1e6, rss: m.rss / 1e6 };
  };
  const rules = parseAlertRulesConfig({});
  const processors = [
    createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m,24h/1h'), tumbling: parseTumblingWindows('1m,1h,1d'), timeZone: 'UTC' }),
    createAlertsProcessor({ leak: parseLeakConfig({}), rules }),
    createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', provisionalIntervalMs: 3_600_000, rules }),
  ];
  const before = measure();
  const tasks = processors.map((p) => createPartitionTask(p as Parameters<typeof createPartitionTask>[0], { partition: 0, allowedLatenessMs: 120_000 }));
  const t0 = Math.floor((Date.now() - (perMeter + 120) * 60_000) / 60_000) * 60_000;
  let offset = 0;
  for (let k = 0; k < perMeter; k += 1) {
    const records = [];
    for (let m = 0; m < meters; m += 1) {
      const ts = t0 + k * 60_000 + (m % 60) * 1000;
      records.push({ offset: offset++, reading: { meterId: `m${m}`, kind: 'water' as const, ts, value: (m + k) % 17, valueUnit: 'L/min', register: 1000 * m + 8 * k * (m % 5), registerUnit: 'L', seq: k, sector: `s${m % 20}`, receivedAt: ts } });
    }
    for (const task of tasks) task.process(records);
  }
  const after = measure();
  const keys = tasks.reduce((n, t) => n + t.size(), 0);
  const per100k = (a: number, b: number) => Number((((a - b) * 100_000) / meters).toFixed(0));
  process.stdout.write(
    [
      `state only       ${meters} meters x ${perMeter} readings through rolling averages, alerts and billing (one partition task each, no I/O)${gc ? '' : ' [no --expose-gc: heap includes garbage]'}`,
      `keys             ${keys}`,
      `memory/100k      V8 heap ~${per100k(after.heap, before.heap)} MB, RSS ~${per100k(after.rss, before.rss)} MB of state per 100,000 active meters (heap ${after.heap.toFixed(1)} MB, ${before.heap.toFixed(1)} MB before)`,
      '',
    ].join('\n'),
  );
  void tasks; // held until measured
}

export const command: CliCommand = { help, run: (args) => main(args).then(() => undefined) };

if (require.main === module) runCliMain('bench processors', command);
