import type { LoadTestOptions, MetricType } from './load-test';

/**
 * What a finished run hands to its outputs (end-of-test summary, --summary-export, the HTML
 * report). `SummaryData` is k6's handleSummary(data) shape
 * (https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/), so a k6
 * user's summary tooling reads it; meterflow's own additions are under `meterflow`.
 */

/** k6: a metric's summary. Keys of `values` by type:
 * trend `avg min med max p(90) p(95) p(99)` (+ `count`), counter `count rate`, rate `rate passes fails`, gauge `value min max`. */
export interface MetricSummary {
  type: MetricType;
  /** 'time' for durations in ms (k6 prints them as 1.2ms / 3.4s), 'default' otherwise. */
  contains: 'time' | 'default' | 'data';
  values: Record<string, number>;
  /** Per threshold expression: whether it held. Present only on metrics with thresholds. */
  thresholds?: Record<string, { ok: boolean }>;
}

export interface CheckSummary {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface SummaryData {
  /** Metric name, or "name{tag:value}" for a submetric a threshold asked for. */
  metrics: Record<string, MetricSummary>;
  root_group: { name: ''; path: ''; id: string; groups: []; checks: CheckSummary[] };
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  meterflow: {
    test: string;
    description: string;
    /** ISO time the run started. */
    startedAt: string;
    options: LoadTestOptions;
    /** Set when a threshold with abortOnFail stopped the run, or on SIGINT. */
    aborted: string | null;
    /** Threshold expressions that failed, as "metric: expression". */
    thresholdsFailed: string[];
    /** Free-form figures a scenario computes (e.g. ingest-ramp's maximum sustainable rate). */
    findings: Record<string, number | string>;
    /** Errors that make the result untrustworthy (teardown threw: its count checks may be missing); the CLI exits 1. */
    errors?: string[];
    /** Warnings of the run (tag sets folded, non-finite values). */
    warnings?: string[];
  };
}

/**
 * One time bucket of the run (1 s by default): per metric, what happened in that bucket only.
 * Trends: count and percentiles of the bucket's observations; counters: count and rate per
 * second; rates: rate; gauges: last value. Metrics with no sample in the bucket are absent.
 */
export interface TimeBucket {
  /** Bucket start, ms since the run started. */
  t: number;
  /** Bucket length, ms. */
  ms: number;
  metrics: Record<string, Partial<Record<'count' | 'rate' | 'value' | 'avg' | 'p(50)' | 'p(90)' | 'p(99)' | 'max', number>>>;
}

export interface RunResult {
  summary: SummaryData;
  series: TimeBucket[];
}

/** k6's exit code when a threshold failed. */
export const thresholdsFailedExitCode = 99;
