import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult, SummaryData } from '../runner/run-result';
import { chartPageScript } from './chart-page-script';
import { readChartJsUmd } from './chart-library';
import { renderChecksTable } from './checks-table';
import { renderFindingsTable } from './findings-table';
import { formatDurationMs } from './format-metric-value';
import { escapeHtml, jsonForScriptElement } from './html-escape';
import { renderMetricsTable } from './metrics-table';
import { allCharts, buildReportCharts, type ChartSpec } from './report-charts';
import { reportStyles } from './report-styles';
import { renderThresholdsTable, thresholdOutcomes, thresholdsPassed } from './thresholds-table';

/**
 * The HTML report of a run: one self-contained file (Chart.js inlined, no request leaves the
 * page) with the verdict, thresholds, checks, charts over time and k6's metrics summary.
 *
 * Every string from the result is either HTML-escaped into the markup or carried in a JSON
 * data block with `<` escaped, which the page's script reads and gives to Chart.js as canvas
 * text; nothing from the result is ever parsed as HTML. The tables are plain HTML, so the
 * verdict and the numbers read without JavaScript; only the charts need it.
 */
export function renderHtmlReport(result: RunResult): string {
  const { summary } = result;
  const charts = buildReportCharts(result);
  const chartJs = readChartJsUmd();
  const title = `${summary.meterflow.test} — load test report`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${reportStyles}</style>
</head>
<body>
<main>
${renderHeader(summary)}
<div class="tables">
<section id="thresholds"><h2>Thresholds</h2>
${renderThresholdsTable(summary)}
</section>
<section id="checks"><h2>Checks</h2>
${renderChecksTable(summary.root_group.checks)}
</section>
${Object.keys(summary.meterflow.findings).length > 0 ? `<section id="findings"><h2>Findings</h2>\n${renderFindingsTable(summary.meterflow.findings)}\n</section>` : ''}
</div>
${renderChartSections(charts)}
<section id="metrics"><h2>Metrics</h2>
${renderMetricsTable(summary)}
</section>
<footer>meterflow load test report · charts drawn with Chart.js ${escapeHtml(chartJs.version)} (inlined) · time buckets of ${escapeHtml(bucketLength(result))}</footer>
</main>
<script type="application/json" id="report-data">${jsonForScriptElement({ x: charts.x, charts: allCharts(charts) })}</script>
<script>${chartJs.source}</script>
<script>${chartPageScript}</script>
</body>
</html>
`;
}

export async function writeHtmlReport(result: RunResult, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderHtmlReport(result), 'utf8');
}

function renderHeader(summary: SummaryData): string {
  const { meterflow } = summary;
  const passed = thresholdsPassed(summary);
  const outcomes = thresholdOutcomes(summary);
  const failedCount = Math.max(outcomes.filter((t) => !t.ok).length, meterflow.thresholdsFailed.length);
  const verdictNote = outcomes.length === 0 ? 'no thresholds' : passed ? `${outcomes.length} thresholds held` : `${failedCount} of ${Math.max(outcomes.length, failedCount)} thresholds failed`;
  const scenarios = Object.entries(meterflow.options.scenarios ?? {})
    .map(([name, s]) => `${name} (${s.executor})`)
    .join(', ');
  const facts: [string, string][] = [
    ['Started', formatStart(meterflow.startedAt)],
    ['Duration', formatDurationMs(summary.state.testRunDurationMs)],
    ['Scenarios', scenarios || '–'],
  ];
  return `<header class="run">
<h1 id="test-name">${escapeHtml(meterflow.test)}</h1>
<div class="verdict ${passed ? 'pass' : 'fail'}" id="verdict">${passed ? 'PASS' : 'FAIL'}<small>${escapeHtml(verdictNote)}</small></div>
<p class="description">${escapeHtml(meterflow.description)}</p>
<dl>${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>
${meterflow.aborted !== null ? `<p class="aborted" id="aborted"><strong>Aborted:</strong> ${escapeHtml(meterflow.aborted)}</p>` : ''}
</header>`;
}

function renderChartSections(charts: ReturnType<typeof buildReportCharts>): string {
  const figure = (c: ChartSpec, wide: boolean): string =>
    `<figure class="chart${wide ? ' wide' : ''}" id="${escapeHtml(c.id)}-figure"><h3>${escapeHtml(c.title)}</h3><p class="note">${escapeHtml(c.note)}</p>` +
    `<div class="canvas-box"><canvas id="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div></figure>`;
  const section = (id: string, heading: string, figures: string[]): string =>
    figures.length === 0 ? '' : `<section id="${id}"><h2>${heading}</h2>\n<div class="charts">\n${figures.join('\n')}\n</div>\n</section>`;
  const noScript = '<noscript><p class="empty">The charts need JavaScript; the tables above and below do not.</p></noscript>';
  const load = [charts.load, charts.cpu].filter((c): c is ChartSpec => c !== null);
  return [
    noScript,
    section('throughput', 'Throughput over time', charts.throughput ? [figure(charts.throughput, true)] : []),
    // An odd one out takes the whole row rather than leaving half of it empty.
    section('latency', 'Latency percentiles over time', charts.latency.map((c, i, all) => figure(c, all.length % 2 === 1 && i === all.length - 1))),
    section('load', 'VUs, dropped iterations and generator CPU over time', load.map((c) => figure(c, load.length === 1))),
  ].join('\n');
}

function formatStart(iso: string): string {
  const t = Date.parse(iso);
  // UTC, stated, so the report reads the same wherever it is opened or rendered.
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function bucketLength(result: RunResult): string {
  const ms = result.series[0]?.ms;
  return ms === undefined ? '–' : formatDurationMs(ms);
}
