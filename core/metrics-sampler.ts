import { questdbTables } from './contracts/questdb-tables';
import { serviceMetricsTable } from './streams/service-metrics';
import { describeError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { createIlpWriter, type IlpWriter } from './questdb/ilp-writer';

const column = serviceMetricsTable.columns;

/** One value of one series at one instant. */
export interface MetricSample {
  metric: string;
  /** Prometheus label set as rendered, e.g. `{topic="readings"}`; '' for none. */
  labels: string;
  /** A histogram's _count and _sum carry 'histogram' (and a rate, like counters). */
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  value: number;
}

// Sorted and escaped as the exposition format renders them, so `labels` reads like /metrics.
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const renderLabels = (labels: Partial<Record<string, string | number>>) => {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(String(labels[k]))}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
};

/**
 * Every series of the registry, as samples for service_metrics, but two kinds of detail that is
 * Prometheus' business and would triple the rows: histogram buckets (for histogram_quantile;
 * _count and _sum are kept, for the rate and the mean) and the per-V8-space heap series
 * (nodejs_heap_space_*; the heap totals are kept).
 */
export async function collectSamples(metrics: Metrics): Promise<MetricSample[]> {
  const samples: MetricSample[] = [];
  for (const family of await metrics.registry.getMetricsAsJSON()) {
    // The typings say an enum; at run time it is the type's name ('counter', 'histogram', …).
    const type = String(family.type) as MetricSample['type'];
    for (const v of family.values) {
      const metric = (v as { metricName?: string }).metricName ?? family.name;
      if (metric.endsWith('_bucket') || metric.startsWith('nodejs_heap_space_') || !Number.isFinite(v.value)) continue;
      samples.push({ metric, labels: renderLabels(v.labels), type, value: v.value });
    }
  }
  return samples;
}

/** Counters, and histogram or summary _count and _sum, only go up: their rate is what a panel shows. */
const hasRate = (s: MetricSample) => s.type === 'counter' || (s.type !== 'gauge' && /_(count|sum)$/.test(s.metric));

export interface MetricsSamplerOptions {
  metrics: Metrics;
  /** bridge, sink, processors. */
  service: string;
  instance: string;
  questdbHttpUrl: string;
  /** 0 = off. */
  intervalMs: number;
  /** Series that cost a request to measure (consumer lag), asked for at each sample. */
  collect?: () => Promise<MetricSample[]>;
  logger: Logger;
}

export interface MetricsSampler {
  /** Writes one sample now (tests, and the last one on shutdown). */
  sampleNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Writes the service's own metrics into QuestDB (service_metrics) every interval, with each
 * counter's rate since the previous sample, so the Pipeline health dashboard needs nothing but
 * QuestDB. A QuestDB outage costs samples, never the service.
 */
export function startMetricsSampler(options: MetricsSamplerOptions): MetricsSampler {
  let writer: IlpWriter | null = null;
  let previous = new Map<string, { at: number; value: number }>();
  let running: Promise<void> | null = null;

  const sample = async () => {
    const at = Date.now();
    const samples = await collectSamples(options.metrics);
    if (options.collect) {
      try {
        samples.push(...(await options.collect()));
      } catch (error) {
        options.logger.debug('metric collection failed', { error: describeError(error) });
      }
    }
    if (!writer) {
      // Created with its DEDUP keys before ILP would auto-create it without them.
      await createTableOverHttp(options.questdbHttpUrl, questdbTables.serviceMetrics.ddl);
      writer = await createIlpWriter(options.questdbHttpUrl);
    }
    const next = new Map<string, { at: number; value: number }>();
    for (const s of samples) {
      const key = `${s.metric}${s.labels}`;
      next.set(key, { at, value: s.value });
      const before = previous.get(key);
      const perSecond = hasRate(s) && before && at > before.at ? Math.max(0, s.value - before.value) / ((at - before.at) / 1000) : null;
      await writer.row(questdbTables.serviceMetrics.name, at, (row) => {
        row.symbol(column.service, options.service).symbol(column.instance, options.instance).symbol(column.metric, s.metric).symbol(column.type, s.type);
        if (s.labels) row.symbol(column.labels, s.labels);
        row.floatColumn(column.value, s.value);
        if (perSecond !== null) row.floatColumn(column.per_second, perSecond);
      });
    }
    try {
      await writer.flush();
      previous = next;
    } catch (error) {
      writer.discard();
      throw error;
    }
  };

  const sampleNow = () => {
    running ??= sample()
      .catch((error) => options.logger.warn('metrics sample not written to QuestDB', { error: describeError(error) }))
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = options.intervalMs > 0 ? setInterval(() => void sampleNow(), options.intervalMs) : null;
  timer?.unref();
  return {
    sampleNow,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await writer?.close().catch(() => undefined);
    },
  };
}

async function createTableOverHttp(httpUrl: string, ddl: string): Promise<void> {
  const url = new URL('/exec', httpUrl);
  url.searchParams.set('query', ddl);
  const headers: Record<string, string> = {};
  const base = new URL(httpUrl);
  if (base.username) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`QuestDB refused the DDL: HTTP ${response.status} ${await response.text()}`);
}
