import type { CheckSummary } from '../runner/run-result';
import { formatPercent } from './format-metric-value';
import { escapeHtml } from './html-escape';

/** k6's checks block: a check with any failure is marked ✗, as `k6 run` marks it in the terminal. */
export function renderChecksTable(checks: readonly CheckSummary[]): string {
  if (checks.length === 0) return '<p class="empty">This test records no checks.</p>';
  const rows = checks
    .map((c) => {
      const total = c.passes + c.fails;
      const ok = c.fails === 0;
      return (
        `<tr class="${ok ? 'ok' : 'failed'}"><td class="mark" aria-label="${ok ? 'passed' : 'failed'}">${ok ? '✓' : '✗'}</td>` +
        `<td>${escapeHtml(c.name)}</td><td class="num">${c.passes}</td><td class="num">${c.fails}</td>` +
        `<td class="num">${total > 0 ? formatPercent(c.passes / total) : '–'}</td></tr>`
      );
    })
    .join('\n');
  return `<table class="checks"><thead><tr><th></th><th>Check</th><th class="num">Passes</th><th class="num">Fails</th><th class="num">Passed</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}
