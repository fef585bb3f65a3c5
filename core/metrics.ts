import { Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MeterflowError } from './errors';

/**
 * A service's metrics on its own prom-client Registry (never the global default one: tests start
 * several services in one process, and each must render only its own series).
 *
 * Every registry carries prom-client's default process and Node metrics (process_cpu_seconds_total,
 * process_resident_memory_bytes, nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds, …)
 * under their standard names: which service a series is from is the scrape's job/instance labels'
 * business, as Prometheus' conventions say, and dashboards built for Node work unchanged.
 * The service's own series are named `<prefix>_<name>` (meterflow_bridge_…), in base units.
 *
 * Registering a name again (several processors in one service) returns the same family when
 * type, help and label names agree, and throws METRICS_DUPLICATE_SERIES when they do not, so a
 * clash shows at startup, not as a scrape Prometheus rejects.
 */
/** A series' label values; a metric registered without label names takes none (checked by the compiler). */
export type Labels<L extends string = string> = [L] extends [never] ? Record<string, never> : Record<L, string | number>;

export interface Counter<L extends string = string> {
  inc(labels?: Labels<L>, by?: number): void;
}

export interface Gauge<L extends string = string> {
  set(value: number, labels?: Labels<L>): void;
}

export interface Histogram<L extends string = string> {
  /** In the histogram's base unit (seconds for durations). */
  observe(value: number, labels?: Labels<L>): void;
}

export interface HistogramOptions<L extends string> {
  /** Upper bounds, ascending, suited to what the histogram measures (`+Inf` is implied). */
  buckets: readonly number[];
  labelNames?: readonly L[];
}

export interface Metrics {
  /** The service's registry (prom-client), for anything the factories below do not cover. */
  readonly registry: Registry;
  counter<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  /**
   * A gauge read at scrape time as the series `labels` (default: none). Several callers may
   * collect one name under different label sets; the same label set twice is refused.
   */
  collectedGauge(name: string, help: string, collect: () => number, labels?: Labels): void;
  histogram<L extends string = never>(name: string, help: string, options: HistogramOptions<L>): Histogram<L>;
  /** The Prometheus text exposition of every series. */
  render(): Promise<string>;
  /** The Content-Type of render()'s text. */
  readonly contentType: string;
}

type Kind = 'counter' | 'gauge' | 'collected gauge' | 'histogram';

interface Family {
  kind: Kind;
  help: string;
  labelNames: string;
  buckets: string;
  metric: PromCounter<string> | PromGauge<string> | PromHistogram<string>;
  /** Collected gauges: rendered label set → its collector. */
  collectors: Map<string, { labels: Labels; collect: () => number }>;
}

// The compile-time label check done, prom-client takes any label values.
const values = (labels: Labels<string> | Labels<never> | undefined) => (labels ?? {}) as Labels<string>;

// Sorted, so {a,b} and {b,a} are one label set.
const labelKey = (labels: Labels = {}) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(String(labels[k]))}`)
    .join(',');

export function createMetrics(prefix: string): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client's gauges named *_total break the naming rules (promtool: "non-counter metrics
  // should not have _total suffix"); each is the sum of its per-type gauge, which stays.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const families = new Map<string, Family>();

  const family = (name: string, help: string, kind: Kind, labelNames: readonly string[], create: (full: string) => Family['metric'], buckets: readonly number[] = []): Family => {
    const full = `${prefix}_${name}`;
    const wanted = { kind, help, labelNames: [...labelNames].sort().join(','), buckets: buckets.join(',') };
    const existing = families.get(full);
    if (existing) {
      const { kind: k, help: h, labelNames: l, buckets: b } = existing;
      if (k !== kind || h !== help || l !== wanted.labelNames || b !== wanted.buckets) {
        throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${full} is registered as a ${k} ("${h}", labels [${l}]) and again as a ${kind} ("${help}", labels [${wanted.labelNames}]): one name, one meaning`);
      }
      return existing;
    }
    if (registry.getSingleMetric(full)) throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${full} is one of the default process / Node.js metrics every service renders already`);
    const created: Family = { ...wanted, metric: create(full), collectors: new Map() };
    families.set(full, created);
    return created;
  };

  return {
    registry,
    contentType: registry.contentType,
    counter(name, help, labelNames = []) {
      const counter = family(name, help, 'counter', labelNames, (full) => new PromCounter({ name: full, help, labelNames, registers: [registry] })).metric as PromCounter<string>;
      return { inc: (labels, by = 1) => counter.inc(values(labels), by) };
    },
    gauge(name, help, labelNames = []) {
      const gauge = family(name, help, 'gauge', labelNames, (full) => new PromGauge({ name: full, help, labelNames, registers: [registry] })).metric as PromGauge<string>;
      return { set: (value, labels) => gauge.set(values(labels), value) };
    },
    collectedGauge(name, help, collect, labels = {}) {
      const labelNames = Object.keys(labels);
      const f = family(name, help, 'collected gauge', labelNames, (full) =>
        new PromGauge({
          name: full,
          help,
          labelNames,
          registers: [registry],
          // Read at each scrape; `this` is the gauge.
          collect(this: PromGauge<string>) {
            for (const c of f.collectors.values()) this.set(c.labels, c.collect());
          },
        }),
      );
      const key = labelKey(labels);
      if (f.collectors.has(key)) throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${prefix}_${name}{${key}} is collected twice; give each registration a distinguishing label (e.g. processor)`);
      f.collectors.set(key, { labels, collect });
    },
    histogram(name, help, { buckets, labelNames = [] }) {
      const histogram = family(name, help, 'histogram', labelNames, (full) => new PromHistogram({ name: full, help, labelNames, buckets: [...buckets], registers: [registry] }), buckets).metric as PromHistogram<string>;
      return { observe: (value, labels) => histogram.observe(values(labels), value) };
    },
    render: () => registry.metrics(),
  };
}
