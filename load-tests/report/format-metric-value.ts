import type { MetricSummary } from '../runner/run-result';

/**
 * Numbers as k6's end-of-test summary prints them, so the report's metrics table reads like
 * the terminal one: durations (contains 'time', in ms) as µs/ms/s/m, data as B/kB/MB, rates
 * as percentages, everything else with at most a few significant decimals.
 */

export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs === 0) return '0s';
  if (abs < 1) return `${round(ms * 1000, 2)}µs`;
  if (abs < 1000) return `${round(ms, 2)}ms`;
  if (abs < 60_000) return `${round(ms / 1000, 2)}s`;
  const minutes = Math.trunc(ms / 60_000);
  return `${minutes}m${round((ms - minutes * 60_000) / 1000, 1)}s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${round(value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return String(round(value, abs >= 100 ? 1 : abs >= 1 ? 2 : 4));
}

export function formatPercent(share: number): string {
  return `${round(share * 100, 2)}%`;
}

/** One value of a metric's summary, by the metric's `contains` and the value's key. */
export function formatMetricValue(metric: Pick<MetricSummary, 'type' | 'contains'>, key: string, value: number): string {
  // A counter's rate is per second and a count is a count, whatever the metric measures.
  if (key === 'count' || key === 'passes' || key === 'fails') return formatNumber(value);
  if (metric.type === 'rate' && key === 'rate') return formatPercent(value);
  if (key === 'rate') return `${formatMetricMagnitude(metric, value)}/s`;
  return formatMetricMagnitude(metric, value);
}

function formatMetricMagnitude(metric: Pick<MetricSummary, 'contains'>, value: number): string {
  if (metric.contains === 'time') return formatDurationMs(value);
  if (metric.contains === 'data') return formatBytes(value);
  return formatNumber(value);
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
