import { formatClock } from './durations';
import { fixed, formatPercent, formatValue } from './format-values';
import type { MetricSummary, SummaryData } from './run-result';

/**
 * The end-of-test summary in k6's (v1, compact) layout:
 *
 *   █ THRESHOLDS
 *
 *     mqtt_puback_latency
 *     ✓ 'p(99)<500' p(99)=8.1ms
 *
 *   █ TOTAL RESULTS
 *
 *     checks_total.......: 100    3.3/s
 *     checks_succeeded...: 97.00% 97 out of 100
 *     checks_failed......: 3.00%  3 out of 100
 *
 *     ✓ published
 *     ✗ stored
 *       ↳  97% — ✓ 97 / ✗ 3
 *
 *     MQTT
 *   ✓ mqtt_puback_latency...: avg=2.1ms min=… med=… max=… p(90)=… p(95)=…
 *       { kind:water }......: avg=…
 *
 * Metrics with thresholds carry ✓/✗ before their name (as k6's legacy summary); submetrics sit
 * under their metric. Times as k6 prints them (µs/ms/s/m), counters as count and rate per
 * second, rates as a share and "n out of m", gauges as value min max.
 */
export function renderSummaryText(summary: SummaryData, opts: { color?: boolean } = {}): string {
  const c = palette(opts.color ?? false);
  const out: string[] = [];
  const m = summary.meterflow;
  const iterations = summary.metrics.iterations?.values.count ?? 0;
  const interrupted = summary.metrics.iterations_interrupted?.values.count ?? 0;
  const vusMax = summary.metrics.vus_max?.values.max ?? 0;
  out.push('');
  out.push(`  meterflow load test ${c.bold(m.test)}${m.description ? ` — ${m.description}` : ''}`);
  out.push(`  running (${formatClock(summary.state.testRunDurationMs)}), 00/${String(vusMax).padStart(2, '0')} VUs, ${iterations} complete and ${interrupted} interrupted iterations`);
  if (m.aborted) out.push(`  ${c.red(`ABORTED: ${m.aborted}`)}`);
  out.push('');

  // THRESHOLDS
  const withThresholds = Object.entries(summary.metrics).filter(([, s]) => s.thresholds);
  if (withThresholds.length > 0) {
    out.push(`  █ THRESHOLDS`, '');
    for (const [key, s] of withThresholds) {
      out.push(`    ${key}`);
      for (const [expr, { ok }] of Object.entries(s.thresholds!)) {
        const agg = /^\s*([a-z]+(?:\([\d.\s]+\))?)/.exec(expr)?.[1]?.replace(/\s/g, '') ?? '';
        const actual = s.values[agg] ?? (agg === 'med' ? s.values['p(50)'] : undefined);
        const shown = actual === undefined ? '' : ` ${agg}=${formatValue(actual, s, baseName(key))}`;
        out.push(`    ${ok ? c.green('✓') : c.red('✗')} '${expr}'${shown}`);
      }
      out.push('');
    }
    out.push('');
  }

  // TOTAL RESULTS
  out.push(`  █ TOTAL RESULTS`, '');
  const rows: Row[] = [];
  const checks = summary.root_group.checks;
  if (checks.length > 0) {
    const passes = checks.reduce((a, k) => a + k.passes, 0);
    const total = passes + checks.reduce((a, k) => a + k.fails, 0);
    const perSecond = summary.state.testRunDurationMs > 0 ? total / (summary.state.testRunDurationMs / 1000) : 0;
    const checkRows: Row[] = [
      { mark: '', name: 'checks_total', cols: [String(total), `${fixed(perSecond, 6)}/s`] },
      { mark: '', name: 'checks_succeeded', cols: [formatPercent(total ? passes / total : 0), `${passes} out of ${total}`] },
      { mark: '', name: 'checks_failed', cols: [formatPercent(total ? (total - passes) / total : 0), `${total - passes} out of ${total}`] },
    ];
    out.push(...renderRows(checkRows, c), '');
    for (const k of checks) {
      if (k.fails === 0) out.push(`    ${c.green('✓')} ${k.name}`);
      else {
        out.push(`    ${c.red('✗')} ${k.name}`);
        out.push(`      ↳  ${Math.floor((100 * k.passes) / (k.passes + k.fails))}% — ✓ ${k.passes} / ✗ ${k.fails}`);
      }
    }
    out.push('');
  }

  const groups = new Map<string, Row[]>();
  for (const [key, s] of Object.entries(summary.metrics)) {
    if (key === 'checks' || key.includes('{')) continue;
    const group = groupOf(key);
    if (!groups.has(group)) groups.set(group, []);
    const list = groups.get(group)!;
    list.push(metricRow(key, s, summary, '', c));
    for (const [subKey, sub] of Object.entries(summary.metrics)) {
      if (subKey.startsWith(`${key}{`)) list.push(metricRow(subKey, sub, summary, '  ', c));
    }
  }
  for (const g of groupOrder) {
    const list = groups.get(g);
    if (!list) continue;
    rows.push({ mark: '', name: '', cols: [], header: g });
    rows.push(...list);
  }
  out.push(...renderRows(rows, c));

  const findings = Object.entries(m.findings);
  if (findings.length > 0) {
    out.push('', '  █ FINDINGS', '');
    for (const [k, v] of findings) out.push(`    ${k}: ${v}`);
  }
  if ((m.errors ?? []).length > 0) {
    out.push('', '  █ ERRORS', '');
    for (const e of m.errors!) out.push(`    ${c.red(e)}`);
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

interface Row {
  mark: string;
  name: string;
  cols: string[];
  /** Trend columns are "stat=value" and align per stat. */
  trend?: boolean;
  header?: string;
}

const groupOrder = ['MQTT', 'END-TO-END', 'GRAPHQL', 'COUNT CHECKS', 'CUSTOM', 'EXECUTION', 'GENERATOR'];

function groupOf(name: string): string {
  if (name.startsWith('mqtt_') || name === 'readings_published') return 'MQTT';
  if (name.startsWith('e2e_')) return 'END-TO-END';
  if (name.startsWith('graphql_')) return 'GRAPHQL';
  if (name === 'readings_lost' || name === 'readings_doubled') return 'COUNT CHECKS';
  if (/^(iteration|iterations|dropped_iterations|vus|vus_max|scenario_vus)/.test(name)) return 'EXECUTION';
  if (name === 'generator_cpu') return 'GENERATOR';
  return 'CUSTOM';
}

function baseName(key: string): string {
  return key.split('{')[0] as string;
}

function metricRow(key: string, s: MetricSummary, summary: SummaryData, indent: string, c: Palette): Row {
  const name = key.includes('{') ? `${indent}{ ${key.slice(key.indexOf('{') + 1, -1).replace(/,/g, ', ')} }` : key;
  const mark = s.thresholds ? (Object.values(s.thresholds).every((t) => t.ok) ? c.green('✓') : c.red('✗')) : '';
  const v = s.values;
  const fmt = (x: number | undefined) => formatValue(x ?? 0, s, baseName(key));
  switch (s.type) {
    case 'trend':
      return { mark, name, trend: true, cols: summary.options.summaryTrendStats.map((st) => `${st}=${st === 'count' ? String(v.count ?? 0) : fmt(v[st])}`) };
    case 'counter':
      return { mark, name, cols: [fixed(v.count ?? 0, 6), `${fixed(v.rate ?? 0, 6)}/s`] };
    case 'rate':
      return { mark, name, cols: [formatPercent(v.rate ?? 0), `${v.passes ?? 0} out of ${(v.passes ?? 0) + (v.fails ?? 0)}`] };
    case 'gauge':
      return { mark, name, cols: [fmt(v.value), `min=${fmt(v.min)}`, `max=${fmt(v.max)}`] };
  }
}

function renderRows(rows: Row[], c: Palette): string[] {
  const named = rows.filter((r) => !r.header);
  const nameWidth = Math.max(0, ...named.map((r) => [...r.name].length)) + 3;
  const colWidths: number[] = [];
  const trendWidths: number[] = [];
  for (const r of named) r.cols.forEach((col, i) => {
    const widths = r.trend ? trendWidths : colWidths;
    widths[i] = Math.max(widths[i] ?? 0, [...col].length);
  });
  const lines: string[] = [];
  for (const r of rows) {
    if (r.header) {
      if (lines.length > 0) lines.push('');
      lines.push(`    ${r.header}`);
      continue;
    }
    const widths = r.trend ? trendWidths : colWidths;
    const dots = '.'.repeat(nameWidth - [...r.name].length);
    const cols = r.cols.map((col, i) => (i < r.cols.length - 1 ? col.padEnd(widths[i] ?? 0) : col)).join(' ');
    lines.push(`  ${r.mark ? `${r.mark} ` : '  '}${r.name}${c.gray(dots)}: ${cols}`);
  }
  return lines;
}

interface Palette {
  green(s: string): string;
  red(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
}

function palette(color: boolean): Palette {
  const wrap = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap('32'), red: wrap('31'), gray: wrap('90'), bold: wrap('1') };
}
