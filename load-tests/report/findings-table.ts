import { escapeHtml } from './html-escape';

/** The figures a scenario computed (e.g. ingest-ramp's maximum sustainable rate), as name/value rows. */
export function renderFindingsTable(findings: Record<string, number | string>): string {
  const rows = Object.entries(findings)
    .map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td class="num">${escapeHtml(String(value))}</td></tr>`)
    .join('\n');
  return `<table class="findings"><thead><tr><th>Finding</th><th class="num">Value</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}
