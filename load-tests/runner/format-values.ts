import type { MetricSummary } from './run-result';

/** k6's toFixedNoTrailingZeros. */
export function fixed(value: number, digits: number): string {
  return String(parseFloat(value.toFixed(digits)));
}

/** A time in ms as k6 prints it: 0s, 850ns, 12.25µs, 148.21ms, 1.14s, 1m2s, 1h0m5s. */
export function formatTime(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatTime(-ms)}`;
  if (ms < 0.001) return `${Math.trunc(ms * 1e6)}ns`;
  if (ms < 1) return `${fixed(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${fixed(ms, 2)}ms`;
  let out = `${fixed((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return out;
  out = `${rest % 60}m${out}`;
  rest = Math.trunc(rest / 60);
  return rest < 1 ? out : `${rest}h${out}`;
}

/** A rate metric's share as k6 prints it (truncated, not rounded): 99.99%. */
export function formatPercent(share: number): string {
  return `${(Math.trunc(share * 100 * 100) / 100).toFixed(2)}%`;
}

/** One value of a metric as k6 prints it, by its type and `contains`. */
export function formatValue(value: number, metric: Pick<MetricSummary, 'type' | 'contains'>, name = ''): string {
  if (name === 'generator_cpu') return `${Math.round(value * 100)}%`;
  if (metric.type === 'rate') return formatPercent(value);
  if (metric.contains === 'time') return formatTime(value);
  if (metric.contains === 'data') return formatBytes(value);
  return fixed(value, 6);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = bytes;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${i === 0 ? Math.round(v) : fixed(v, 1)} ${units[i]}`;
}
