import type { Counter, Gauge, Histogram, Metrics } from '../../core/metrics';

/**
 * The processor runners' series, registered once per Metrics and labelled by processor.
 *
 * Why: several runners (rolling-averages, alerts, billing) share one process and one /metrics.
 * When each registered its own `flush_seconds`, `state_keys`, `watermark_lag_seconds`, the page
 * carried the same name (and HELP/TYPE) several times with no label to tell them apart, which
 * Prometheus rejects as duplicate samples. Each series here exists once and every sample carries
 * `processor="<name>"`.
 */
export interface RunnerMetrics {
  processed: Counter<'processor'>;
  skipped: Counter<'processor'>;
  duplicates: Counter<'processor'>;
  emitted: Counter<'processor' | 'table'>;
  late: Counter<'processor'>;
  unreadable: Counter<'processor'>;
  refused: Counter<'processor' | 'table' | 'code'>;
  restores: Counter<'processor'>;
  checkpoints: Counter<'processor'>;
  stateKeys: Gauge<'processor'>;
  watermarkLag: Gauge<'processor'>;
  /** Seconds per flush (outputs, and the checkpoint when due), by processor. */
  flushDuration: Histogram<'processor'>;
}

const registered = new WeakMap<Metrics, RunnerMetrics>();

export function runnerMetrics(metrics: Metrics): RunnerMetrics {
  const existing = registered.get(metrics);
  if (existing) return existing;
  const byProcessor = ['processor'] as const;
  const created: RunnerMetrics = {
    processed: metrics.counter('records_processed_total', 'Readings applied, by processor', byProcessor),
    skipped: metrics.counter('records_skipped_total', 'Readings skipped as already applied (replay after a crash), by processor', byProcessor),
    duplicates: metrics.counter('records_duplicate_total', 'Exact copies of a recent reading under a new offset (MQTT redelivery after a bridge crash), not applied, by processor', byProcessor),
    emitted: metrics.counter('rows_emitted_total', 'Result rows written, by processor and table', ['processor', 'table']),
    late: metrics.counter('late_readings_total', 'Readings that came after their windows were emitted, by processor', byProcessor),
    unreadable: metrics.counter('records_unreadable_total', 'Records on the readings topic that are not readings (logged with their offset, skipped), by processor', byProcessor),
    refused: metrics.counter('rows_refused_total', 'Result rows kept out of QuestDB, by processor, table and code: QUESTDB_ROW_INVALID = a value does not fit its column (dropped, logged); QUESTDB_ROW_REFUSED = QuestDB refused it (isolated from its flush, dead-lettered)', ['processor', 'table', 'code']),
    restores: metrics.counter('partition_restores_total', 'Partitions whose state was loaded from processor_state, by processor', byProcessor),
    checkpoints: metrics.counter('checkpoints_total', 'State checkpoints written (each followed by an offset commit), by processor', byProcessor),
    stateKeys: metrics.gauge('state_keys', 'Keys held in memory (meters, sectors, fleet), by processor', byProcessor),
    watermarkLag: metrics.gauge('watermark_lag_seconds', 'Wall clock minus the lowest partition watermark, by processor', byProcessor),
    // A flush writes a few hundred rows in milliseconds; with a large checkpoint (100,000 meters'
    // state) it takes seconds.
    flushDuration: metrics.histogram('flush_duration_seconds', 'Outputs (and checkpoint when due) per flush, by processor', { labelNames: byProcessor, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] }),
  };
  registered.set(metrics, created);
  return created;
}
