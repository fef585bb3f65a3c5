import * as path from 'node:path';
import type { KafkaTopics, ReadingRanges, RejectionReason } from '../core/contracts';
import { createKafkaClient } from '../core/kafka';
import type { Logger } from '../core/logger';
import { createQuestdbPool, type QuestdbPgOptions } from '../core/questdb/questdb-sql';
import { createHistoryPlan, type PlannedReading, type RefusedRow } from './history-plan';
import { sendHistory, sendRefused, sendSequence, type SendOrder } from './history-sender';
import type { ResolvedMapping } from './import-mapping';
import type { ImportProgress } from './import-progress';
import { readHistoryFile } from './read-history-file';
import { compareWithStored, deadLetteredSources, importSource, storedCounts } from './stored-readings';

export interface HistoryImportOptions {
  files: string[];
  mapping: ResolvedMapping;
  /** Read, validate and compare with what is stored; send nothing. */
  dryRun: boolean;
  /** Readings per second sent at most (0: no limit). */
  ratePerSecond: number;
  /** @default 'time' (history-sender.ts SendOrder) */
  order?: SendOrder;
  /** After sending, wait this long at most for QuestDB to hold every imported reading (0: do not wait). */
  waitStoredMs: number;
  kafka: { brokers: string[]; topics: KafkaTopics };
  /** QuestDB, to skip what is stored already; null: compare nothing (a re-run then sends again, and the table's DEDUP key keeps one row). */
  questdb: QuestdbPgOptions | null;
  limits: { maxFutureMs: number; ranges?: ReadingRanges };
  progress: ImportProgress;
  logger: Logger;
  now?(): number;
}

export interface ImportSummary {
  dryRun: boolean;
  files: number;
  /** Data rows read (header and blank lines excluded). */
  rowsRead: number;
  /** Rows equal to an earlier row of the same meter and instant (counted once). */
  identicalCopies: number;
  /** Rows replaced by a later row of the same meter and instant with other numbers. */
  superseded: number;
  /** Valid readings the rows made (an interval file adds one reading per meter at its first interval's start). */
  readings: number;
  /** Readings sent to Kafka (in a dry run: that would be sent). */
  imported: number;
  /** Readings the readings table already held with the same numbers: not sent again. */
  alreadyStored: number;
  /** Refused rows by reason; each is a dead letter (not in a dry run). */
  refused: Partial<Record<RejectionReason, number>>;
  /** A few refused rows, for the person running the import. */
  refusedExamples: { source: string; reason: RejectionReason; detail: string }[];
  /** Meters with at least one valid reading. */
  meters: number;
  /** Event-time span of the valid readings, ISO 8601. */
  from: string | null;
  to: string | null;
  /** Imported readings QuestDB showed before the import ended (null: not waited for). */
  stored: number | null;
  seconds: number;
}

/**
 * One import run (docs/import.md): read every file into a per-meter plan, validate it as live
 * data is validated (no age limit), compare it with the readings table, then send what is new
 * on the readings topic, each meter's readings in event-time order (all meters interleaved by
 * time unless `order` says meter by meter), and a dead letter per refused row. Nothing reaches
 * Kafka in a dry run.
 */
export async function runHistoryImport(options: HistoryImportOptions): Promise<ImportSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const plan = createHistoryPlan(options.mapping);
  for (const file of options.files) {
    const step = `reading ${path.basename(file)}`;
    await readHistoryFile(file, options.mapping, plan, (read, size) => options.progress.update(step, read, size, 'bytes'));
  }
  const receivedAt = now();
  const { meters, refused } = plan.build(receivedAt, options.limits);
  let readings = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const planned of meters.values()) {
    readings += planned.length;
    from = Math.min(from, planned[0]!.reading.ts);
    to = Math.max(to, planned[planned.length - 1]!.reading.ts);
  }

  const pool = options.questdb ? createQuestdbPool({ ...options.questdb, max: 2 }) : null;
  try {
    let toSend: Map<string, PlannedReading[]> = meters;
    let alreadyStored = 0;
    let newRefusals = refused;
    if (pool) {
      options.progress.update('comparing with stored readings', 0, meters.size, 'meters');
      const comparison = await compareWithStored(pool, meters);
      options.progress.update('comparing with stored readings', meters.size, meters.size, 'meters');
      ({ toSend, alreadyStored } = comparison);
      refused.push(...comparison.differs);
      const recorded = await deadLetteredSources(pool, options.files);
      newRefusals = refused.filter((r) => !recorded.has(importSource(r.source.file, r.source.line)));
    }
    let imported = 0;
    for (const planned of toSend.values()) imported += planned.length;
    let stored: number | null = null;
    if (!options.dryRun) {
      // What each meter holds in the import's span before sending: the wait counts what arrives beyond it.
      const waiting = pool && options.waitStoredMs > 0 && imported > 0;
      const before = waiting ? await storedCounts(pool, from, to) : new Map<string, number>();
      await send(toSend, imported, newRefusals, receivedAt, options);
      if (waiting) stored = await waitUntilStored(pool, { from, to }, toSend, before, options);
    }
    options.progress.end();
    const counts = plan.counts();
    const byReason: Partial<Record<RejectionReason, number>> = {};
    for (const r of refused) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    return {
      dryRun: options.dryRun,
      files: options.files.length,
      rowsRead: counts.rows + refused.filter((r) => r.reason === 'UNREADABLE_ROW').length,
      identicalCopies: counts.identicalCopies,
      superseded: counts.superseded,
      readings,
      imported,
      alreadyStored,
      refused: byReason,
      refusedExamples: refused.slice(0, 5).map((r) => ({ source: importSource(r.source.file, r.source.line), reason: r.reason, detail: r.detail })),
      meters: meters.size,
      from: readings > 0 ? new Date(from).toISOString() : null,
      to: readings > 0 ? new Date(to).toISOString() : null,
      stored,
      seconds: (now() - started) / 1000,
    };
  } finally {
    await pool?.end();
  }
}

async function send(toSend: Map<string, PlannedReading[]>, total: number, refused: RefusedRow[], receivedAt: number, options: HistoryImportOptions): Promise<void> {
  const { topics } = options.kafka;
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-import', logger: options.logger.child('kafka') });
  await kafka.ensureTopics([topics.readings, topics.deadLetters]);
  const partitions = await kafka.partitionCount(topics.readings.name);
  const producer = await kafka.createProducer();
  try {
    options.progress.update('sending', 0, total, 'readings');
    await sendHistory(sendSequence(toSend, options.order ?? 'time'), {
      producer,
      readingsTopic: topics.readings.name,
      deadLettersTopic: topics.deadLetters.name,
      partitions,
      ratePerSecond: options.ratePerSecond,
      onProgress: (sent) => options.progress.update('sending', sent, total, 'readings'),
    });
    await sendRefused(refused, { producer, deadLettersTopic: topics.deadLetters.name, receivedAt });
  } finally {
    await producer.disconnect();
  }
}

/** Polls QuestDB until every meter holds what it held before plus what was sent for it, or the wait is over. */
async function waitUntilStored(
  pool: ReturnType<typeof createQuestdbPool>,
  span: { from: number; to: number },
  sent: Map<string, PlannedReading[]>,
  before: Map<string, number>,
  options: HistoryImportOptions,
): Promise<number> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.waitStoredMs;
  const total = [...sent.values()].reduce((n, p) => n + p.length, 0);
  for (;;) {
    const counts = await storedCounts(pool, span.from, span.to);
    let arrived = 0;
    for (const [meterId, planned] of sent) arrived += Math.max(0, Math.min(planned.length, (counts.get(meterId) ?? 0) - (before.get(meterId) ?? 0)));
    options.progress.update('waiting for QuestDB', arrived, total, 'readings');
    if (arrived >= total || now() >= deadline) return arrived;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
