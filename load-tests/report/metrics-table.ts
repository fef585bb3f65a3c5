import type { MetricSummary, SummaryData } from '../runner/run-result';
import { formatMetricValue } from './format-metric-value';
import { escapeHtml } from './html-escape';

/**
 * The metrics block of k6's end-of-test summary as a table: one row per metric, a submetric
 * ("name{tag:value}") right under its metric, values in k6's order for the metric's type.
 */

const valueOrder: Record<MetricSummary['type'], string[]> = {
  trend: [],
  counter: ['count', 'rate'],
  rate: ['rate', 'passes', 'fails'],
  gauge: ['value', 'min', 'max'],
};

export function renderMetricsTable(summary: SummaryData): string {
  const names = Object.keys(summary.metrics).sort(compareMetricNames);
  if (names.length === 0) return '<p class="empty">No metric recorded a sample.</p>';
  const rows = names
    .map((name) => {
      const metric = summary.metrics[name] as MetricSummary;
      const isSub = name.includes('{');
      const thresholds = Object.values(metric.thresholds ?? {});
      const mark = thresholds.length === 0 ? '' : thresholds.every((t) => t.ok) ? '✓' : '✗';
      const values = orderedKeys(metric, summary.options.summaryTrendStats)
        .map((key) => `<span class="kv"><span class="k">${escapeHtml(key)}=</span>${escapeHtml(formatMetricValue(metric, key, metric.values[key] as number))}</span>`)
        .join(' ');
      return (
        `<tr class="${mark === '✗' ? 'failed' : mark === '✓' ? 'ok' : ''}${isSub ? ' sub' : ''}"><td class="mark">${mark}</td>` +
        `<td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(metric.type)}</td><td class="values">${values}</td></tr>`
      );
    })
    .join('\n');
  return `<table class="metrics"><thead><tr><th></th><th>Metric</th><th>Type</th><th>Values</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}

/** Alphabetical by base name, each submetric straight after its metric. */
function compareMetricNames(a: string, b: string): number {
  const [baseA = a, tagA = ''] = a.split(/(?=\{)/, 2);
  const [baseB = b, tagB = ''] = b.split(/(?=\{)/, 2);
  return baseA === baseB ? tagA.localeCompare(tagB) : baseA.localeCompare(baseB);
}

function orderedKeys(metric: MetricSummary, trendStats: readonly string[]): string[] {
  const present = Object.keys(metric.values);
  const preferred = metric.type === 'trend' ? trendStats : valueOrder[metric.type];
  const first = preferred.filter((k) => present.includes(k));
  // Whatever the engine adds beyond k6's keys (a trend's count…) still shows, after them.
  return [...first, ...present.filter((k) => !first.includes(k))];
}
