import { parseReadingRanges } from '../../../core/contracts';
import { silentLogger } from '../../../core/logger';
import { questdbPgFromConfig } from '../../../core/questdb/questdb-pg-options';
import { runHistoryImport } from '../../../history-import/history-import';
import type { SendOrder } from '../../../history-import/history-sender';
import { resolveImportMapping } from '../../../history-import/import-mapping';
import type { TestPipeline } from './test-services';

/**
 * Imports history files into the pipeline's topics as `npm run import` does (no rate limit,
 * readings up to 10 min in the future accepted): a preset, meter ids prefixed for the run.
 * `waitStoredMs` > 0 waits for QuestDB to hold every imported reading.
 */
export function importHistory(pipeline: TestPipeline, options: { files: string[]; preset: string; meterIdPrefix: string; order?: SendOrder; waitStoredMs?: number }) {
  const waitStoredMs = options.waitStoredMs ?? 0;
  return runHistoryImport({
    files: options.files,
    mapping: resolveImportMapping({ preset: options.preset, flags: { meterIdPrefix: options.meterIdPrefix } }),
    dryRun: false,
    ratePerSecond: 0,
    ...(options.order ? { order: options.order } : {}),
    waitStoredMs,
    kafka: { brokers: pipeline.config.list('MF_KAFKA_BROKERS'), topics: pipeline.topics },
    questdb: waitStoredMs > 0 ? questdbPgFromConfig(pipeline.config) : null,
    limits: { maxFutureMs: 600_000, ranges: parseReadingRanges('') },
    progress: { update: () => undefined, end: () => undefined },
    logger: silentLogger,
  });
}
