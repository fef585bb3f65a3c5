/**
 * Counters, gauges and a latency summary, rendered in the Prometheus text format.
 * Deliberately tiny: services expose a handful of series, not a client library's worth.
 */
type Labels = Record<string, string>;

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  values: Map<string, number>;
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
  gauge(name: string, help: string, collect?: () => number): Gauge;
  summary(name: string, help: string): LatencySummary;
  render(): string;
}

// Sorted, so {a,b} and {b,a} are one series; values escaped as the exposition format says.
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelKey = (labels?: Labels) =>
  labels && Object.keys(labels).length > 0
    ? `{${Object.keys(labels)
        .sort()
        .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`)
        .join(',')}}`
    : '';

export function createMetrics(prefix: string): Metrics {
  const series: Series[] = [];
  const collectors = new Map<Series, () => number>();
  const add = (name: string, help: string, type: Series['type']): Series => {
    const s: Series = { name: `${prefix}_${name}`, help, type, values: new Map() };
    series.push(s);
    return s;
  };
  return {
    counter(name, help) {
      const s = add(name, help, 'counter');
      return {
        inc: (labels, by = 1) => s.values.set(labelKey(labels), (s.values.get(labelKey(labels)) ?? 0) + by),
        get: (labels) => s.values.get(labelKey(labels)) ?? 0,
      };
    },
    gauge(name, help, collect) {
      const s = add(name, help, 'gauge');
      if (collect) collectors.set(s, collect);
      return {
        set: (value, labels) => s.values.set(labelKey(labels), value),
        get: (labels) => (collect ? collect() : (s.values.get(labelKey(labels)) ?? 0)),
      };
    },
    summary(name, help) {
      // Exact quantiles over a bounded window of recent observations: simple and honest.
      const s = add(name, help, 'summary');
      const window: number[] = [];
      let count = 0;
      let sum = 0;
      const refresh = () => {
        const sorted = [...window].sort((a, b) => a - b);
        for (const q of [0.5, 0.99]) {
          s.values.set(`{quantile="${q}"}`, sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : 0);
        }
        s.values.set('_count', count);
        s.values.set('_sum', sum);
      };
      collectors.set(s, () => (refresh(), 0));
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
      for (const s of series) {
        const collect = collectors.get(s);
        if (collect) {
          const value = collect();
          if (s.type === 'gauge') s.values.set('', value);
        }
        lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
        // Keys are label sets ({a="b"}) or, for summaries, the _count/_sum suffixes.
        for (const [key, value] of s.values) lines.push(`${s.name}${key} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
