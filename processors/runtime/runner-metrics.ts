import type { Counter, Gauge, Metrics } from '../../core/metrics';

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
  processed: Counter;
  skipped: Counter;
  duplicates: Counter;
  emitted: Counter;
  late: Counter;
  unreadable: Counter;
  refused: Counter;
  restores: Counter;
  checkpoints: Counter;
  stateKeys: Gauge;
  watermarkLag: Gauge;
  /** Per processor: seconds per flush as quantiles over the last 1,024 flushes, plus sum and count. */
  observeFlush(processor: string, seconds: number): void;
}

const registered = new WeakMap<Metrics, RunnerMetrics>();
const window = 1024;

export function runnerMetrics(metrics: Metrics): RunnerMetrics {
  const existing = registered.get(metrics);
  if (existing) return existing;
  const flushQuantiles = metrics.gauge('flush_duration_seconds', 'Outputs (and checkpoint when due) per flush, by processor and quantile (last 1,024 flushes)');
  const flushSum = metrics.counter('flush_duration_seconds_total', 'Seconds spent in flushes, by processor');
  const flushCount = metrics.counter('flushes_total', 'Flushes, by processor');
  const recent = new Map<string, number[]>();
  // For the memory figure per active meter (npm run bench:processors): RSS alone mixes in the
  // allocator's slack; the V8 heap is what the state costs.
  metrics.gauge('heap_used_bytes', 'V8 heap in use by this process', () => process.memoryUsage().heapUsed);
  const created: RunnerMetrics = {
    processed: metrics.counter('records_processed_total', 'Readings applied, by processor'),
    skipped: metrics.counter('records_skipped_total', 'Readings skipped as already applied (replay after a crash), by processor'),
    duplicates: metrics.counter('records_duplicate_total', 'Exact copies of a recent reading under a new offset (MQTT redelivery after a bridge crash), not applied, by processor'),
    emitted: metrics.counter('rows_emitted_total', 'Result rows written, by processor and table'),
    late: metrics.counter('late_readings_total', 'Readings that came after their windows were emitted, by processor'),
    unreadable: metrics.counter('records_unreadable_total', 'Records on the readings topic that are not readings (logged with their offset, skipped), by processor'),
    refused: metrics.counter('rows_refused_total', 'Result rows kept out of QuestDB, by processor, table and code: QUESTDB_ROW_INVALID = a value does not fit its column (dropped, logged); QUESTDB_ROW_REFUSED = QuestDB refused it (isolated from its flush, dead-lettered)'),
    restores: metrics.counter('partition_restores_total', 'Partitions whose state was loaded from processor_state, by processor'),
    checkpoints: metrics.counter('checkpoints_total', 'State checkpoints written (each followed by an offset commit), by processor'),
    stateKeys: metrics.gauge('state_keys', 'Keys held in memory (meters, sectors, fleet), by processor'),
    watermarkLag: metrics.gauge('watermark_lag_seconds', 'Wall clock minus the lowest partition watermark, by processor'),
    observeFlush(processor, seconds) {
      flushSum.inc({ processor }, seconds);
      flushCount.inc({ processor });
      const list = recent.get(processor) ?? [];
      list.push(seconds);
      if (list.length > window) list.shift();
      recent.set(processor, list);
      const sorted = [...list].sort((a, b) => a - b);
      for (const q of [0.5, 0.99]) flushQuantiles.set(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, { processor, quantile: String(q) });
    },
  };
  registered.set(metrics, created);
  return created;
}
