import type { Config } from '../config';
import { ConfigError } from '../config/config-error';
import { createKafkaTopics } from '../contracts/kafka-topics';
import { questdbTables } from '../contracts/questdb-tables';
import {
  daysCovering,
  formatRetentionPeriod,
  forever,
  parseRetentionPeriod,
  periodFromKafka,
  retentionMs,
  type RetentionPeriod,
} from './retention-period';

/**
 * Which data is kept how long: one rule per QuestDB table and per Kafka topic, from defaults
 * (today's behaviour) overridden by MF_RETENTION_TABLES and MF_RETENTION_TOPICS, validated once.
 * The rules are applied by `npm run lifecycle -- apply` (docs/retention.md), never by a service
 * at start: deleting data is an operator's decision.
 */
export interface RetentionRule {
  /** Table name, or the topic's suffix after MF_KAFKA_TOPIC_PREFIX (`readings`, `dead-letters`). */
  name: string;
  period: RetentionPeriod;
  source: 'default' | 'configured';
  /** Why the default or the bound is what it is, for status and the docs. */
  note: string;
}

export interface TableRetentionRule extends RetentionRule {
  partitionBy: 'DAY' | 'MONTH' | 'YEAR';
}

export interface TopicRetentionRule extends RetentionRule {
  /** The full topic name, prefix included. */
  topic: string;
}

export interface RetentionRules {
  tables: readonly TableRetentionRule[];
  topics: readonly TopicRetentionRule[];
  /** The shortest the raw readings (table and topic) may be kept so that every window and bucket has closed on them. */
  readingsFloor: RetentionPeriod;
}

interface TablePolicy {
  default: RetentionPeriod;
  note: string;
  /** No rule may be set: rows are valid until replaced, not until old (state, reference data). */
  fixed?: true;
  /** The shortest rule accepted. */
  floor?: RetentionPeriod;
}

const years = (count: number): RetentionPeriod => ({ forever: false, count, unit: 'y' });
const days = (count: number): RetentionPeriod => ({ forever: false, count, unit: 'd' });
// Billing records: the shortest keeping period for invoices among common jurisdictions is 5 years
// (the EU VAT directive leaves 5–10 to member states; Brazil 5); set yours above it.
const legalFloor = years(5);

/** Every table's policy; a table added to questdbTables without one fails the unit test. */
export const tablePolicies: Readonly<Record<string, TablePolicy>> = {
  readings: { default: forever, note: 'raw readings; kept forever unless set (history imports hold years)' },
  edge_stats: { default: forever, note: 'device-side statistics' },
  dead_letters: { default: days(30), note: 'rejected messages, for diagnosis' },
  late_readings: { default: days(30), note: 'readings that arrived after their window closed, for diagnosis' },
  service_metrics: { default: days(30), note: 'the services\' own metrics (Pipeline health dashboard)' },
  rolling_averages: { default: forever, note: 'per-meter windows: kept at least as long as the raw readings' },
  rollups: { default: forever, note: 'sector/fleet buckets (1m, 1h, 1d in one table): kept at least as long as the raw readings' },
  alerts: { default: forever, note: 'alert transitions' },
  commands: { default: forever, note: 'commands sent to meters' },
  command_events: { default: forever, note: 'command state changes' },
  invoices: { default: forever, note: 'billing records: the law requires years', floor: legalFloor },
  invoice_lines: { default: forever, note: 'billing records: the law requires years', floor: legalFloor },
  payments: { default: forever, note: 'billing records: the law requires years', floor: legalFloor },
  payment_intents: { default: forever, note: 'payment attempts' },
  audit_log: { default: forever, note: 'who did what in the API', floor: years(1) },
  processor_state: { default: forever, fixed: true, note: 'processor checkpoints: the latest row of a key may be old and still current' },
  meter_registry: { default: forever, fixed: true, note: 'reference data: a row is valid until replaced' },
  meter_replacements: { default: forever, fixed: true, note: 'reference data: a row is valid until replaced' },
  meter_owners: { default: forever, fixed: true, note: 'reference data: a row is valid until replaced' },
  tariff_versions: { default: forever, fixed: true, note: 'reference data: a row is valid until replaced' },
};

/** Tables derived from the raw readings: deleted no sooner than the readings they summarise (downsampling before deletion). */
const derivedFromReadings = ['rolling_averages', 'rollups'];

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

function fail(variable: string, message: string): ConfigError {
  return new ConfigError('CONFIG_INVALID', variable, `${variable}: ${message} (docs/retention.md)`);
}

/** `name=period,name=period` → a map; names and periods are checked by the caller. */
function parseSpec(variable: string, text: string): Map<string, { text: string; period: RetentionPeriod }> {
  const entries = new Map<string, { text: string; period: RetentionPeriod }>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? '' : item.slice(0, eq).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!name || !value) throw fail(variable, `"${item}" must be <name>=<period>, e.g. readings=400d`);
    const period = parseRetentionPeriod(value);
    if (!period) throw fail(variable, `${name}: "${value}" is not a period: a whole number with h, d, w, mo or y (400d, 12w, 18mo, 10y), or forever`);
    if (entries.has(name)) throw fail(variable, `${name} is set twice`);
    entries.set(name, { text: value, period });
  }
  return entries;
}

// The longest window or bucket the processors compute (a local day may last 25 h), read from
// their variables; core cannot import processors/, so only the sizes are parsed here.
function longestWindowMs(config: Config): number {
  const units: Record<string, number> = { s: 1000, m: 60_000, h: hourMs, d: dayMs };
  const sizes = [...config.string('MF_ROLLING_WINDOWS').split(',').map((w) => w.split('/')[0]!), ...config.string('MF_ROLLUP_BUCKETS').split(',')];
  let longest = 0;
  for (const size of sizes) {
    const match = /^(\d+)(s|m|h|d)$/.exec(size.trim());
    if (!match) continue; // the processors refuse it at their start, naming the variable
    const ms = Number(match[1]) * units[match[2]!]!;
    longest = Math.max(longest, ms === dayMs ? 25 * hourMs : ms);
  }
  return longest;
}

/**
 * How long a raw reading must stay so that every window and bucket it falls in has closed: the
 * longest window, plus the allowed lateness, plus the idle time after which a history meter's
 * windows close on its partition's clock; whole days.
 */
export function readingsFloor(config: Config): RetentionPeriod {
  return daysCovering(longestWindowMs(config) + config.int('MF_PROCESSORS_LATENESS_MS') + config.int('MF_PROCESSORS_HISTORY_IDLE_MS'));
}

function partitionOf(ddl: string): 'DAY' | 'MONTH' | 'YEAR' {
  const partition = /PARTITION BY (DAY|MONTH|YEAR)\b/.exec(ddl)?.[1];
  if (!partition) throw new Error(`no PARTITION BY DAY|MONTH|YEAR in: ${ddl.slice(0, 80)}`);
  return partition as 'DAY' | 'MONTH' | 'YEAR';
}

// QuestDB drops whole partitions, so a TTL must be a whole number of them.
function fitsPartition(period: RetentionPeriod, partitionBy: 'DAY' | 'MONTH' | 'YEAR'): boolean {
  if (period.forever) return true;
  if (partitionBy === 'YEAR') return period.unit === 'y';
  if (partitionBy === 'MONTH') return period.unit === 'mo' || period.unit === 'y';
  return period.unit !== 'h' || period.count % 24 === 0;
}

/** Reads and validates MF_RETENTION_TABLES and MF_RETENTION_TOPICS; errors name the variable and the entry. */
export function loadRetentionRules(config: Config): RetentionRules {
  const floor = readingsFloor(config);
  const floorText = `${formatRetentionPeriod(floor)}: the longest window or bucket (MF_ROLLING_WINDOWS, MF_ROLLUP_BUCKETS) plus MF_PROCESSORS_LATENESS_MS and MF_PROCESSORS_HISTORY_IDLE_MS`;

  const tableVariable = 'MF_RETENTION_TABLES';
  const tableEntries = parseSpec(tableVariable, config.string(tableVariable));
  const knownTables: string[] = Object.values(questdbTables).map((t) => t.name);
  for (const name of tableEntries.keys()) {
    if (!knownTables.includes(name)) throw fail(tableVariable, `unknown table "${name}"; the tables are ${knownTables.join(', ')}`);
  }
  const tables = Object.values(questdbTables).map((spec): TableRetentionRule => {
    const policy = tablePolicies[spec.name];
    if (!policy) throw new Error(`table ${spec.name} has no retention policy in core/lifecycle/retention-policy.ts`);
    const partitionBy = partitionOf(spec.ddl);
    const entry = tableEntries.get(spec.name);
    if (!entry) return { name: spec.name, period: policy.default, source: 'default', note: policy.note, partitionBy };
    const { text, period } = entry;
    if (policy.fixed && !period.forever) throw fail(tableVariable, `${spec.name} cannot expire: ${policy.note}`);
    if (!fitsPartition(period, partitionBy)) {
      const units = partitionBy === 'YEAR' ? 'y' : partitionBy === 'MONTH' ? 'mo or y' : 'd, w, mo, y or a multiple of 24h';
      throw fail(tableVariable, `${spec.name}=${text}: the table is partitioned by ${partitionBy} and QuestDB drops whole partitions, so use ${units}`);
    }
    if (policy.floor && retentionMs(period) < retentionMs(policy.floor)) {
      throw fail(tableVariable, `${spec.name}=${text} is shorter than ${formatRetentionPeriod(policy.floor)} (${policy.note})`);
    }
    if (spec.name === 'readings' && retentionMs(period) < retentionMs(floor)) {
      throw fail(tableVariable, `readings=${text} is shorter than ${floorText}`);
    }
    return { name: spec.name, period, source: 'configured', note: policy.note, partitionBy };
  });

  // Downsampling before deletion: the windows and buckets outlive the readings they summarise.
  const readings = tables.find((t) => t.name === 'readings')!;
  for (const derived of tables.filter((t) => derivedFromReadings.includes(t.name))) {
    if (retentionMs(derived.period) < retentionMs(readings.period)) {
      throw fail(tableVariable, `${derived.name}=${formatRetentionPeriod(derived.period)} is shorter than readings=${formatRetentionPeriod(readings.period)}; rollups must outlive the raw readings they summarise`);
    }
  }

  const topicVariable = 'MF_RETENTION_TOPICS';
  const topicEntries = parseSpec(topicVariable, config.string(topicVariable));
  const prefix = config.string('MF_KAFKA_TOPIC_PREFIX');
  const specs = Object.values(createKafkaTopics(prefix));
  const suffixes = specs.map((t) => t.name.slice(prefix.length));
  for (const name of topicEntries.keys()) {
    if (!suffixes.includes(name)) throw fail(topicVariable, `unknown topic "${name}"; the topics are ${suffixes.join(', ')} (without MF_KAFKA_TOPIC_PREFIX)`);
  }
  const topics = specs.map((spec): TopicRetentionRule => {
    const name = spec.name.slice(prefix.length);
    const entry = topicEntries.get(name);
    if (!entry) {
      const period = periodFromKafka(spec.config['retention.ms'] ?? '-1');
      if (!period) throw new Error(`topic ${spec.name}: retention.ms ${spec.config['retention.ms']} is not whole hours`);
      return { name, topic: spec.name, period, source: 'default', note: spec.description };
    }
    const { text, period } = entry;
    if (!period.forever && (period.unit === 'mo' || period.unit === 'y')) {
      throw fail(topicVariable, `${name}=${text}: Kafka's retention.ms is a fixed duration; use h, d or w`);
    }
    return { name, topic: spec.name, period, source: 'configured', note: spec.description };
  });
  // Checked on the default too: longer windows or lateness can outgrow the topic's 7 days.
  const readingsTopic = topics.find((t) => t.name === 'readings')!;
  if (retentionMs(readingsTopic.period) < retentionMs(floor)) {
    throw fail(topicVariable, `readings=${formatRetentionPeriod(readingsTopic.period)}${readingsTopic.source === 'default' ? ' (the default)' : ''} is shorter than ${floorText}; the processors read the readings from this topic`);
  }

  return { tables, topics, readingsFloor: floor };
}
