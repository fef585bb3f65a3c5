import { MeterflowError } from './errors';

/**
 * Counters, gauges and a latency summary, rendered in the Prometheus text format.
 * Deliberately tiny: services expose a handful of series, not a client library's worth.
 *
 * One name is one family (one HELP and TYPE line), and one name + label set is one series,
 * rendered once: Prometheus rejects a scrape that repeats a series. Registering a name again
 * (several processors in one service) returns a handle on the same family; for counters and
 * set-gauges the label set tells the callers' series apart (same labels = same series, counts
 * add up). A collected gauge or a summary owns its series: a second registration with the
 * same labels throws METRICS_DUPLICATE_SERIES, so the mistake shows at startup, not in a
 * dropped scrape. Registering a name with another type or help text also throws.
 */
export type Labels = Record<string, string>;

type MetricType = 'counter' | 'gauge' | 'summary';

interface Family {
  name: string;
  help: string;
  type: MetricType;
  /** Rendered label set (`{a="b"}` or '') → value, for counters and set-gauges. */
  values: Map<string, number>;
  /** Rendered label set → the collector that owns that series (collected gauges, summaries). */
  owned: Map<string, () => Array<[string, number]>>;
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  get(labels?: Labels): number;
}

export interface LatencySummary {
  observe(seconds: number): void;
}

export interface Metrics {
  counter(name: string, help: string): Counter;
  /** With `collect`, the gauge is read at render time, as the series `labels` (default: none). */
  gauge(name: string, help: string, collect?: () => number, labels?: Labels): Gauge;
  /** Quantiles 0.5 and 0.99, _count and _sum of the series `labels` (default: none). */
  summary(name: string, help: string, labels?: Labels): LatencySummary;
  render(): string;
}

// Sorted, so {a,b} and {b,a} are one series; values escaped as the exposition format says.
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelPairs = (labels?: Labels) =>
  labels
    ? Object.keys(labels)
        .sort()
        .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`)
    : [];
const labelKey = (labels?: Labels, extra: string[] = []) => {
  const pairs = [...labelPairs(labels), ...extra];
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
};

const processFamilies = ['process_cpu_seconds_total', 'process_resident_memory_bytes'];

export function createMetrics(prefix: string): Metrics {
  const families = new Map<string, Family>();

  const family = (name: string, help: string, type: MetricType): Family => {
    const full = `${prefix}_${name}`;
    if (processFamilies.includes(full)) throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${full} is rendered by every service already`);
    const existing = families.get(full);
    if (existing) {
      if (existing.type !== type || existing.help !== help) {
        throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${full} is registered as a ${existing.type} ("${existing.help}") and again as a ${type} ("${help}"): one name, one meaning`);
      }
      return existing;
    }
    const created: Family = { name: full, help, type, values: new Map(), owned: new Map() };
    families.set(full, created);
    return created;
  };

  const own = (f: Family, labels: Labels | undefined, collect: () => Array<[string, number]>) => {
    const key = labelKey(labels);
    if (f.owned.has(key) || f.values.has(key)) {
      throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${f.name}${key} is registered twice; give each registration a distinguishing label (e.g. processor)`);
    }
    f.owned.set(key, collect);
  };

  return {
    counter(name, help) {
      const f = family(name, help, 'counter');
      return {
        inc: (labels, by = 1) => f.values.set(labelKey(labels), (f.values.get(labelKey(labels)) ?? 0) + by),
        get: (labels) => f.values.get(labelKey(labels)) ?? 0,
      };
    },
    gauge(name, help, collect, labels) {
      const f = family(name, help, 'gauge');
      if (collect) {
        own(f, labels, () => [[labelKey(labels), collect()]]);
        return {
          // A collected gauge is what its collector says; set() on it would be silently lost.
          set: () => {
            throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${f.name} is collected; it cannot also be set`);
          },
          get: () => collect(),
        };
      }
      return {
        set: (value, setLabels) => {
          const key = labelKey(setLabels);
          if (f.owned.has(key)) throw new MeterflowError('METRICS_DUPLICATE_SERIES', `${f.name}${key} is collected; it cannot also be set`);
          f.values.set(key, value);
        },
        get: (getLabels) => f.values.get(labelKey(getLabels)) ?? 0,
      };
    },
    summary(name, help, labels) {
      // Exact quantiles over a bounded window of recent observations: simple and honest.
      const f = family(name, help, 'summary');
      const window: number[] = [];
      let count = 0;
      let sum = 0;
      own(f, labels, () => {
        const sorted = [...window].sort((a, b) => a - b);
        const quantiles = [0.5, 0.99].map((q): [string, number] => [
          labelKey(labels, [`quantile="${q}"`]),
          sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : 0,
        ]);
        return [...quantiles, [`_count${labelKey(labels)}`, count], [`_sum${labelKey(labels)}`, sum]];
      });
      return {
        observe(seconds) {
          count += 1;
          sum += seconds;
          window.push(seconds);
          if (window.length > 1024) window.shift();
        },
      };
    },
    render() {
      const lines: string[] = [];
      const cpu = process.cpuUsage();
      lines.push('# HELP process_cpu_seconds_total User and system CPU time of this process', '# TYPE process_cpu_seconds_total counter');
      lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
      lines.push('# HELP process_resident_memory_bytes Resident set size', '# TYPE process_resident_memory_bytes gauge');
      lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
      for (const f of families.values()) {
        lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
        // Keys are label sets ({a="b"}) or, for summaries, _count/_sum suffixes with their labels.
        for (const [key, value] of f.values) lines.push(`${f.name}${key} ${value}`);
        for (const collect of f.owned.values()) for (const [key, value] of collect()) lines.push(`${f.name}${key} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
