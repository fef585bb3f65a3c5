import type { SummaryData } from '../runner/run-result';
import { escapeHtml } from './html-escape';

/** A threshold as the run evaluated it: `metric` may be a submetric such as "e2e_stored_latency{kind:water}". */
export interface ThresholdOutcome {
  metric: string;
  expression: string;
  ok: boolean;
}

export function thresholdOutcomes(summary: SummaryData): ThresholdOutcome[] {
  return Object.entries(summary.metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {}).map(([expression, { ok }]) => ({ metric, expression, ok })),
  );
}

/**
 * k6's verdict: the run fails when any threshold failed. `thresholdsFailed` is read too, in
 * case the engine recorded a failure for a metric that never got a summary entry.
 */
export function thresholdsPassed(summary: SummaryData): boolean {
  return thresholdOutcomes(summary).every((t) => t.ok) && summary.meterflow.thresholdsFailed.length === 0;
}

export function renderThresholdsTable(summary: SummaryData): string {
  const outcomes = thresholdOutcomes(summary);
  if (outcomes.length === 0) return '<p class="empty">This test sets no thresholds.</p>';
  const rows = outcomes
    .map(
      (t) =>
        `<tr class="${t.ok ? 'ok' : 'failed'}"><td class="mark" aria-label="${t.ok ? 'held' : 'failed'}">${t.ok ? '✓' : '✗'}</td>` +
        `<td><code>${escapeHtml(t.metric)}</code></td><td><code>${escapeHtml(t.expression)}</code></td></tr>`,
    )
    .join('\n');
  return `<table class="thresholds"><thead><tr><th></th><th>Metric</th><th>Threshold</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}
