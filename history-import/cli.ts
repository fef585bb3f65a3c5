import { readFileSync } from 'node:fs';
import { loadConfig } from '../core/config';
import { createKafkaTopics, parseReadingRanges } from '../core/contracts';
import { describeError } from '../core/errors';
import { createLogger, type LogFormat, type LogLevel } from '../core/logger';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import type { FlagSpec } from '../core/cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../core/cli-command';
import { runHistoryImport, type ImportSummary } from './history-import';
import { importPresets, resolveImportMapping, type ImportMapping } from './import-mapping';
import { createImportProgress, formatDuration } from './import-progress';

const flags: FlagSpec[] = [
  { name: 'preset', kind: 'string', description: `a known file format: ${Object.keys(importPresets).join(', ')} (docs/import.md); flags below override its fields` },
  { name: 'mapping', kind: 'string', description: 'a JSON file of mapping fields (docs/import.md); flags override it' },
  { name: 'delimiter', kind: 'string', description: 'field separator (default ",")' },
  { name: 'header', kind: 'string', oneOf: ['true', 'false'], description: 'the first line names the columns (default true)' },
  { name: 'meter-id', kind: 'string', description: 'meter id column: header name, or #n (1-based position)' },
  { name: 'timestamp', kind: 'string', description: 'timestamp column' },
  { name: 'timestamp-format', kind: 'string', description: 'iso, epoch-ms, epoch-s, or a pattern such as "dd/mm/yyyy HH:MM:SS" (default iso)' },
  { name: 'time-zone', kind: 'string', description: 'IANA zone of local timestamps (default UTC)' },
  { name: 'kind', kind: 'string', description: 'meter kind: water, electricity, gas, temperature, generic' },
  { name: 'register', kind: 'string', description: 'cumulative register column' },
  { name: 'register-unit', kind: 'string', description: "the file's register unit (L, m3, Wh, kWh, MWh), converted to the kind's" },
  { name: 'value', kind: 'string', description: "instantaneous value column, in the kind's value unit" },
  { name: 'interval', kind: 'string', description: 'column of the quantity used in the interval starting at the timestamp (becomes a register from 0)' },
  { name: 'interval-unit', kind: 'string', description: "unit of the interval quantity, converted to the kind's register unit" },
  { name: 'interval-minutes', kind: 'int', description: 'length of one interval' },
  { name: 'sector', kind: 'string', description: 'sector column' },
  { name: 'meter-id-prefix', kind: 'string', description: "prepended to the file's meter ids" },
  { name: 'dry-run', kind: 'bool', description: 'read, validate and compare with QuestDB; report what would be imported or refused; send nothing' },
  { name: 'order', kind: 'string', oneOf: ['time', 'meter'], default: 'time', description: "time: all meters interleaved by event time (sector and fleet rollups see them in order); meter: meter after meter. Each meter's own readings are in time order either way" },
  { name: 'rate', kind: 'int', default: '20000', description: 'readings per second sent at most (0: no limit), so live ingest keeps its share' },
  { name: 'wait-stored-s', kind: 'int', default: '300', description: 'after sending, wait this long at most for QuestDB to hold every reading (0: do not wait)' },
  { name: 'check-stored', kind: 'string', oneOf: ['true', 'false'], default: 'true', description: 'compare with the readings table first (a re-run then sends nothing); false: no QuestDB needed' },
  { name: 'json', kind: 'bool', description: 'print the summary as JSON on stdout' },
];

const help: CommandHelp = {
  summary: 'Import CSV history (plain or gzip) by a mapping or a preset; a re-run adds nothing.',
  usage: '[flags] <file.csv[.gz]> [more files…]',
  description: `
Every row is validated as a device's reading is (without the live path's age limit), each
meter's readings are sent in event-time order on the readings topic (so the sink stores them and
the processors bill and aggregate them), refused rows become dead letters with their reason, and
readings already stored are not sent again. Progress goes to stderr. See docs/import.md.`,
  flags,
  environment: 'MF_KAFKA_BROKERS, MF_KAFKA_TOPIC_PREFIX, MF_KAFKA_PARTITIONS (when the topic does not exist yet), MF_QUESTDB_PG_*,\n  MF_READING_MAX_FUTURE_MS, MF_READING_RANGES, MF_LOG_LEVEL.',
  examples: [
    'meterflow import --preset daiad ../shared/datasets/daiad/swm_trialA.csv.gz',
    'meterflow import --preset lcl --dry-run ../shared/datasets/lcl/MAC003718_halfhourly.csv',
    'meterflow import --meter-id id --timestamp time --timestamp-format iso --kind gas --register m3 readings.csv',
  ],
  exitStatus: '0 imported (refused rows are reported, not failures); 1 the import failed or QuestDB did not show every\n  reading in time; 2 bad usage.',
};

function printSummary(s: ImportSummary): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const refused = Object.entries(s.refused);
  const lines = [
    s.dryRun ? 'Dry run: nothing was sent.' : 'Import done.',
    `  files                 ${s.files}`,
    `  rows read             ${n(s.rowsRead)}`,
    `  identical copies      ${n(s.identicalCopies)} (same meter, instant and numbers: counted once)`,
    `  superseded rows       ${n(s.superseded)} (a later row of the same meter and instant replaced them)`,
    `  readings              ${n(s.readings)} valid`,
    `  ${s.dryRun ? 'would import' : 'imported    '}          ${n(s.imported)}`,
    `  already stored        ${n(s.alreadyStored)} (not sent again)`,
    `  refused               ${n(refused.reduce((t, [, c]) => t + (c ?? 0), 0))}${refused.length ? ` (${refused.map(([r, c]) => `${r} ${n(c ?? 0)}`).join(', ')})` : ''}${s.dryRun || !refused.length ? '' : ', each a dead letter'}`,
    ...s.refusedExamples.map((e) => `      ${e.source} ${e.reason}: ${e.detail}`),
    `  meters                ${n(s.meters)}`,
    `  time span             ${s.from ?? '-'} .. ${s.to ?? '-'}`,
    ...(s.stored === null ? [] : [`  stored in QuestDB     ${n(s.stored)} of ${n(s.imported)}`]),
    `  took                  ${formatDuration(s.seconds)} (${n(Math.round(s.rowsRead / Math.max(s.seconds, 1e-3)))} rows/s)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main({ flags: parsed, positionals: files }: CommandArgs): Promise<number> {
  let mapping: ReturnType<typeof resolveImportMapping>;
  let config: ReturnType<typeof loadConfig>;
  try {
    if (files.length === 0) throw new Error('name at least one file to import (see --help)');
    const file = typeof parsed.mapping === 'string' ? (JSON.parse(readFileSync(parsed.mapping, 'utf8')) as Record<string, unknown>) : undefined;
    const fromFlags: Partial<Record<keyof ImportMapping, unknown>> = {
      delimiter: parsed.delimiter,
      header: parsed.header === undefined ? undefined : parsed.header === 'true',
      meterId: parsed['meter-id'],
      timestamp: parsed.timestamp,
      timestampFormat: parsed['timestamp-format'],
      timeZone: parsed['time-zone'],
      kind: parsed.kind,
      register: parsed.register,
      registerUnit: parsed['register-unit'],
      value: parsed.value,
      interval: parsed.interval,
      intervalUnit: parsed['interval-unit'],
      intervalMinutes: parsed['interval-minutes'],
      sector: parsed.sector,
      meterIdPrefix: parsed['meter-id-prefix'],
    };
    mapping = resolveImportMapping({ preset: parsed.preset as string | undefined, file, flags: fromFlags });
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`import: ${describeError(error)}\n`);
    return 2;
  }
  // stderr: stdout is the summary (--json: for programs).
  const logger = createLogger('import', { level: config.string('MF_LOG_LEVEL') as LogLevel, format: config.string('MF_LOG_FORMAT') as LogFormat, destination: 'stderr' });
  const progress = createImportProgress();
  try {
    const summary = await runHistoryImport({
      files,
      mapping,
      dryRun: parsed['dry-run'] === true,
      ratePerSecond: parsed.rate as number,
      order: parsed.order as 'time' | 'meter',
      waitStoredMs: (parsed['wait-stored-s'] as number) * 1000,
      kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
      questdb: parsed['check-stored'] === 'true' ? questdbPgFromConfig(config) : null,
      limits: { maxFutureMs: config.int('MF_READING_MAX_FUTURE_MS'), ranges: parseReadingRanges(config.string('MF_READING_RANGES')) },
      progress,
      logger,
    });
    progress.end();
    if (parsed.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else printSummary(summary);
    return summary.stored !== null && summary.stored < summary.imported ? 1 : 0;
  } catch (error) {
    progress.end();
    process.stderr.write(`import: ${describeError(error)}\n`);
    return 1;
  }
}

export const command: CliCommand = {
  help,
  positionals: true,
  // Exits at once: the Kafka producer's sockets would keep the process alive.
  run: async (args) => process.exit(await main(args)),
};

if (require.main === module) runCliMain('import', command);
