import { renderHtmlReport } from '../../../../load-tests/report/html-report';
import type { RunResult } from '../../../../load-tests/runner/run-result';
import { buildSampleRunResult } from './sample-run-result';

/** The report's markup without a browser: self-contained, escaped, charts only where there is data. */

const scripts = (html: string): string[] => Array.from(html.matchAll(/<script\b[^>]*>/gi), (m) => m[0]);
const dataBlock = (html: string): { x: number[]; charts: { id: string }[] } =>
  JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null');

describe('HTML report markup', () => {
  const html = renderHtmlReport(buildSampleRunResult());

  it('is self-contained: no external script, stylesheet, image or font', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i);
    expect(scripts(html)).toEqual(['<script type="application/json" id="report-data">', '<script>', '<script>']);
    expect(html).toContain('Chart.js v4');
    expect(html).not.toContain('sourceMappingURL');
    expect(html).toContain('animation: false');
  });

  it('carries the charts as JSON the page reads back', () => {
    const data = dataBlock(html);
    expect(data.x).toHaveLength(60);
    expect(data.charts.map((c) => c.id)).toEqual([
      'chart-throughput',
      'chart-latency-mqtt_puback_latency',
      'chart-latency-e2e_stored_latency',
      'chart-latency-e2e_output_latency',
      'chart-latency-graphql_req_duration',
      'chart-load',
      'chart-cpu',
    ]);
    for (const c of data.charts) expect(html).toContain(`<canvas id="${c.id}"`);
  });

  it('renders the verdict, the tables and the run facts as plain HTML', () => {
    expect(html).toMatch(/<div class="verdict fail" id="verdict">FAIL<small>1 of 6 thresholds failed<\/small>/);
    expect(html).toContain('<tr class="failed"><td class="mark" aria-label="failed">✗</td><td><code>e2e_stored_latency</code></td><td><code>p(99)&lt;2000</code></td></tr>');
    expect(html).toContain('2026-11-30 14:00:00 UTC');
    expect(html).toContain('1m1.2s');
    expect(html).toContain('<code>e2e_stored_latency{kind:water}</code>');
    expect(html).not.toContain('id="aborted"');
  });

  it('escapes every string taken from the result', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const closer = '</script><script>alert(2)</script>';
    const result = buildSampleRunResult({ test: hostile, description: `"${closer}'`, aborted: `SIGINT ${hostile}`, checks: [{ name: closer, passes: 1, fails: 0 }] });
    result.summary.metrics[`readings_lost{meter:${closer}}`] = { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { [`count<1 ${hostile}`]: { ok: true } } };
    result.summary.meterflow.findings[closer] = hostile;
    const page = renderHtmlReport(result);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('alert(2)</script>');
    expect(scripts(page)).toHaveLength(3);
    expect(page).toContain('<h1 id="test-name">&lt;img src=x onerror=alert(1)&gt;</h1>');
    expect(page).toContain('<title>&lt;img src=x onerror=alert(1)&gt; — load test report</title>');
    expect(page).toContain('<strong>Aborted:</strong> SIGINT &lt;img');
    expect(page).toContain('&quot;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;&#39;');
  });

  it('renders only the charts a run has data for', () => {
    const base = buildSampleRunResult();
    const only = (metrics: string[]): RunResult => ({
      ...base,
      series: base.series.map((b) => ({ ...b, metrics: Object.fromEntries(Object.entries(b.metrics).filter(([k]) => metrics.includes(k))) })),
    });
    expect(dataBlock(renderHtmlReport(only(['iterations', 'vus']))).charts.map((c) => c.id)).toEqual(['chart-throughput', 'chart-load']);
    expect(dataBlock(renderHtmlReport(only(['e2e_output_latency']))).charts.map((c) => c.id)).toEqual(['chart-latency-e2e_output_latency']);
    const none = renderHtmlReport({ ...base, series: [] });
    expect(dataBlock(none).charts).toEqual([]);
    expect(none).not.toContain('<canvas');
    expect(none).not.toContain('<section id="throughput"');
  });
});
