import type { RunResult, TimeBucket } from '../runner/run-result';
import { gaugeValue, hasMetric, perSecond, trendStat, type SeriesPoints } from './series-values';

/**
 * Which charts the report draws and from which series, decided here in Node so the page's
 * script only hands ready-made datasets to Chart.js (and so a unit test can see what a run
 * yields without a browser). A chart, or a line in it, appears only when its metric has data.
 */

export type AxisUnit = 'ms' | '/s' | '%' | '';

export interface ChartLine {
  label: string;
  /** The `series` metric and the statistic it reads, shown to the lead and in tests. */
  source: string;
  /** 'y' is the left axis, 'y2' the right one. */
  axis: 'y' | 'y2';
  color: string;
  dash?: number[];
  stepped?: boolean;
  fill?: boolean;
  /** Line width in px. @default 1.75 */
  width?: number;
  /** One value per time bucket (null: a gap). */
  points: SeriesPoints;
}

export interface ChartAxis {
  title: string;
  unit: AxisUnit;
  /** The axis reaches at least this far whatever the data. */
  suggestedMax?: number;
}

export interface ChartSpec {
  /** Id of the chart's canvas. */
  id: string;
  title: string;
  /** What the chart shows, a line under its title. */
  note: string;
  y: ChartAxis;
  y2?: ChartAxis;
  lines: ChartLine[];
  /** Horizontal lines, e.g. a latency threshold. */
  limits: { label: string; value: number; axis: 'y' | 'y2'; failed: boolean }[];
}

export interface ReportCharts {
  /** Bucket starts, seconds since the run started: the shared x of every chart. */
  x: number[];
  throughput: ChartSpec | null;
  latency: ChartSpec[];
  load: ChartSpec | null;
  cpu: ChartSpec | null;
}

const palette = {
  blue: '#2563eb',
  teal: '#0d9488',
  violet: '#7c3aed',
  orange: '#ea580c',
  red: '#dc2626',
  grey: '#64748b',
  green: '#16a34a',
};

/** The latency trends of meterflow's VUs, in the order a reading travels. */
export const latencyMetrics: { metric: string; title: string }[] = [
  { metric: 'mqtt_puback_latency', title: 'MQTT publish → PUBACK latency' },
  { metric: 'e2e_stored_latency', title: 'End-to-end latency: publish → stored in QuestDB' },
  { metric: 'e2e_output_latency', title: 'End-to-end latency: publish → processor output queryable' },
  { metric: 'graphql_req_duration', title: 'GraphQL request duration' },
];

// Percentiles share the metric's chart, so they differ by shade and dash rather than hue.
const percentileLines: { stat: 'p(50)' | 'p(90)' | 'p(99)'; label: string; color: string; dash?: number[] }[] = [
  { stat: 'p(50)', label: 'p50', color: palette.teal },
  { stat: 'p(90)', label: 'p90', color: palette.blue, dash: [6, 3] },
  { stat: 'p(99)', label: 'p99', color: palette.violet },
];

export function buildReportCharts(result: RunResult): ReportCharts {
  const { series } = result;
  const per = perBucket(series);
  return {
    x: series.map((b) => b.t / 1000),
    throughput: throughputChart(series, per),
    latency: latencyMetrics.filter((l) => hasMetric(series, l.metric)).map((l) => latencyChart(result, l, per)),
    load: loadChart(series, per),
    cpu: cpuChart(series),
  };
}

function throughputChart(series: readonly TimeBucket[], per: string): ChartSpec | null {
  const candidates: (ChartLine & { noun: string })[] = [];
  const add = (metric: string, stat: 'rate' | 'count', noun: string, line: Omit<ChartLine, 'source' | 'axis' | 'points'>): void => {
    if (hasMetric(series, metric)) candidates.push({ ...line, noun, source: `${metric} ${stat}`, axis: 'y', points: perSecond(series, metric) });
  };
  add('readings_published', 'rate', 'readings', { label: 'readings published /s', color: palette.blue, fill: true });
  add('mqtt_messages', 'rate', 'messages', { label: 'MQTT messages /s', color: palette.teal });
  // Chart.js draws the first dataset on top; with one message per iteration the two lines
  // coincide, so iterations is a wide translucent band the messages line runs through.
  add('iterations', 'rate', 'iterations', { label: 'iterations /s', color: `${palette.orange}80`, width: 5 });
  add('iterations_failed', 'rate', 'failed iterations', { label: 'failed iterations /s', color: palette.red, dash: [2, 2] });
  add('graphql_req_duration', 'count', 'GraphQL requests', { label: 'GraphQL requests /s', color: palette.violet });
  if (candidates.length === 0) return null;
  // Readings run at thousands per second and GraphQL requests often at tens: a line whose peak
  // is under a tenth of the largest goes on a right-hand axis of its own instead of lying flat
  // on the bottom of the left one.
  const peak = (l: ChartLine): number => l.points.reduce<number>((m, p) => (p !== null && p > m ? p : m), 0);
  const top = Math.max(...candidates.map(peak));
  const lines = candidates.map((l) => ({ ...l, axis: (peak(l) < top / 10 ? 'y2' : 'y') as ChartLine['axis'] }));
  // An axis title longer than two nouns no longer fits beside a 320 px chart; the legend names the lines.
  const axisTitle = (axis: ChartLine['axis']): string => {
    const on = lines.filter((l) => l.axis === axis).map((l) => l.noun);
    return on.length <= 2 ? `${on.join(', ')} per second` : 'per second';
  };
  const hasRight = lines.some((l) => l.axis === 'y2');
  return {
    id: 'chart-throughput',
    title: 'Throughput',
    note: `rates, ${per}`,
    y: { title: axisTitle('y'), unit: '/s' },
    y2: hasRight ? { title: axisTitle('y2'), unit: '/s' } : undefined,
    lines: lines.map(({ noun: _noun, ...line }) => line),
    limits: [],
  };
}

function latencyChart(result: RunResult, which: (typeof latencyMetrics)[number], per: string): ChartSpec {
  const { series } = result;
  const lines: ChartLine[] = percentileLines.map((p) => ({
    label: p.label,
    source: `${which.metric} ${p.stat}`,
    axis: 'y',
    color: p.color,
    dash: p.dash,
    points: trendStat(series, which.metric, p.stat),
  }));
  return {
    id: `chart-latency-${which.metric}`,
    title: which.title,
    note: `${which.metric}, ${per}`,
    y: { title: 'latency (ms)', unit: 'ms' },
    lines,
    limits: thresholdLimits(result, which.metric, lines),
  };
}

/**
 * "p(99)<500", "p(95)<=2000", "max<1000"…: upper bounds in the metric's unit, drawn as a line.
 * One far above the data would stretch the axis until the latencies are a flat line at the
 * bottom, so such a bound is left to the thresholds table.
 */
function thresholdLimits(result: RunResult, metric: string, lines: readonly ChartLine[]): ChartSpec['limits'] {
  const thresholds = result.summary.metrics[metric]?.thresholds ?? {};
  // reduce, not Math.max(...points): a day-long soak has more points than a call has arguments.
  const dataMax = lines.reduce((max, l) => l.points.reduce<number>((m, p) => (p !== null && p > m ? p : m), max), 0);
  const limits: ChartSpec['limits'] = [];
  for (const [expression, { ok }] of Object.entries(thresholds)) {
    const m = /^\s*(p\(\d+(?:\.\d+)?\)|avg|med|max)\s*<=?\s*(\d+(?:\.\d+)?)\s*$/.exec(expression);
    if (m?.[2] === undefined) continue;
    if (Number(m[2]) > 2 * dataMax) continue;
    limits.push({ label: `threshold ${expression.trim()}`, value: Number(m[2]), axis: 'y', failed: !ok });
  }
  return limits;
}

function loadChart(series: readonly TimeBucket[], per: string): ChartSpec | null {
  const vus: ChartLine[] = [];
  if (hasMetric(series, 'vus')) {
    vus.push({ label: 'VUs', source: 'vus value', axis: 'y', color: palette.blue, stepped: true, points: gaugeValue(series, 'vus') });
  }
  if (hasMetric(series, 'vus_max')) {
    vus.push({ label: 'VUs allocated (max)', source: 'vus_max value', axis: 'y', color: palette.grey, dash: [6, 3], stepped: true, points: gaugeValue(series, 'vus_max') });
  }
  const dropped: ChartLine[] = [];
  if (hasMetric(series, 'dropped_iterations')) {
    dropped.push({ label: 'dropped iterations /s', source: 'dropped_iterations rate', axis: vus.length > 0 ? 'y2' : 'y', color: palette.red, fill: true, stepped: true, points: perSecond(series, 'dropped_iterations') });
  }
  if (vus.length === 0 && dropped.length === 0) return null;
  return {
    id: 'chart-load',
    title: 'VUs and dropped iterations',
    note: `VUs at each bucket's end; iterations dropped for want of a free VU, ${per}`,
    y: vus.length > 0 ? { title: 'VUs', unit: '' } : { title: 'dropped iterations /s', unit: '/s' },
    y2: vus.length > 0 && dropped.length > 0 ? { title: 'dropped iterations /s', unit: '/s' } : undefined,
    lines: [...vus, ...dropped],
    limits: [],
  };
}

function cpuChart(series: readonly TimeBucket[]): ChartSpec | null {
  if (!hasMetric(series, 'generator_cpu')) return null;
  return {
    id: 'chart-cpu',
    title: 'Load generator CPU',
    note: 'user + system time of the runner process; above 100% it uses more than one core',
    // A light run should look light: the axis reaches at least one full core.
    y: { title: 'CPU (% of one core)', unit: '%', suggestedMax: 100 },
    lines: [{ label: 'generator CPU', source: 'generator_cpu value', axis: 'y', color: palette.orange, fill: true, points: gaugeValue(series, 'generator_cpu', 100) }],
    limits: [],
  };
}

/** "per 1 s bucket": the series' bucket length, for the charts' notes. */
function perBucket(series: readonly TimeBucket[]): string {
  const ms = series[0]?.ms ?? 1000;
  return `per ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`} bucket`;
}

/** Every chart in page order. */
export function allCharts(charts: ReportCharts): ChartSpec[] {
  return [charts.throughput, ...charts.latency, charts.load, charts.cpu].filter((c): c is ChartSpec => c !== null);
}
