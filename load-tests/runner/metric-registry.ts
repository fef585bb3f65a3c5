import type { MetricSink, MetricType, Tags } from './load-test';
import { builtinMetrics, meterflowMetrics } from './load-test';
import { createAccumulator, type Accumulator } from './metric-accumulator';
import type { TimeBucket } from './run-result';

export type MetricContains = 'time' | 'default' | 'data';
export interface MetricInfo {
  type: MetricType;
  contains: MetricContains;
}

/** Metrics the runner itself emits besides k6's builtins (builtinMetrics in load-test.ts). */
export const runnerMetrics = {
  /** Iterations still running when their scenario's gracefulStop ran out (or the run aborted). */
  iterations_interrupted: 'counter',
  /** Initialised VUs per scenario (tag scenario), sampled every bucket; `vus`/`vus_max` are the test's totals. */
  scenario_vus: 'gauge',
} as const satisfies Record<string, MetricType>;

/** A submetric: a metric restricted to the samples whose tags include `filter` (k6: `name{tag:value}`). */
export interface Submetric {
  /** As written in thresholds: `name{tag:value,other:x}`. */
  key: string;
  name: string;
  filter: Tags;
}

export interface MetricRegistryOptions {
  /** Added to every sample (the test's `options.tags`). */
  tags?: Tags;
  /** Types of metrics beyond the builtin and meterflow ones (a metric first seen undeclared is a counter). */
  declared?: Record<string, MetricType | MetricInfo>;
  /** Distinct tag sets kept per metric; later ones fold into one `{ overflow: "true" }` set. @default 1000 */
  maxTagSets?: number;
  /** Submetrics to give their own time-bucket series (those thresholds refer to). */
  submetrics?: Submetric[];
  /** Called once per problem (tag sets folded, a non-finite value, a type clash). */
  warn?: (message: string) => void;
}

export interface MetricRegistry extends MetricSink {
  info(name: string): MetricInfo | undefined;
  /** Metrics with at least one sample, in order of first sample. */
  observed(): string[];
  /** Samples seen (of the submetric when `filter` is given). */
  count(name: string, filter?: Tags): number;
  /** One k6 aggregation of the whole run (avg min max med p(N) count rate value passes fails); undefined if it does not apply. */
  stat(name: string, stat: string, filter?: Tags): number | undefined;
  /** The tag sets a metric was seen with (at most maxTagSets + 1). */
  tagSets(name: string): Tags[];
  /** Ends the current time bucket: its own figures per metric and per tracked submetric. */
  closeBucket(t: number, ms: number): TimeBucket;
  /** The run's length used for counters' `rate` (per second); the runner sets it as time passes. */
  setDurationMs(ms: number): void;
}

const overflowTags: Tags = { overflow: 'true' };

/** Infers `contains` from the name as k6 users name things: *_duration, *_latency, *_time → ms. */
export function inferContains(name: string, type: MetricType): MetricContains {
  return type === 'trend' && /(_duration|_latency|_time|_ms)$/.test(name) ? 'time' : 'default';
}

interface MetricState {
  info: MetricInfo;
  total: Accumulator;
  sets: Map<string, { tags: Tags; acc: Accumulator }>;
  bucket: Accumulator | null;
  folded: boolean;
}

export function createMetricRegistry(options: MetricRegistryOptions = {}): MetricRegistry {
  const globalTags = options.tags ?? {};
  const maxTagSets = options.maxTagSets ?? 1000;
  const warn = options.warn ?? (() => {});
  const declared = new Map<string, MetricInfo>();
  const declare = (name: string, d: MetricType | MetricInfo) =>
    declared.set(name, typeof d === 'string' ? { type: d, contains: inferContains(name, d) } : d);
  for (const [n, t] of Object.entries({ ...builtinMetrics, ...meterflowMetrics, ...runnerMetrics })) declare(n, t);
  for (const [n, d] of Object.entries(options.declared ?? {})) declare(n, d);

  const metrics = new Map<string, MetricState>();
  const subs = (options.submetrics ?? []).map((s) => ({ ...s, bucket: null as Accumulator | null }));
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    warn(message);
  };
  let seq = 0;
  let durationMs = 0;

  const stateOf = (name: string): MetricState => {
    let st = metrics.get(name);
    if (!st) {
      const info = declared.get(name) ?? { type: 'counter' as const, contains: 'default' as const };
      st = { info, total: createAccumulator(info.type, 'fast'), sets: new Map(), bucket: null, folded: false };
      metrics.set(name, st);
    }
    return st;
  };

  const matches = (tags: Tags, filter: Tags) => Object.entries(filter).every(([k, v]) => tags[k] === v);

  const merged = (st: MetricState, filter: Tags): Accumulator => {
    const acc = createAccumulator(st.info.type);
    for (const set of st.sets.values()) if (matches(set.tags, filter)) acc.merge(set.acc);
    return acc;
  };

  const accOf = (name: string, filter?: Tags): Accumulator | undefined => {
    const st = metrics.get(name);
    if (!st) return undefined;
    return filter && Object.keys(filter).length > 0 ? merged(st, filter) : st.total;
  };

  const bucketStats = (acc: Accumulator, ms: number): TimeBucket['metrics'][string] => {
    switch (acc.type) {
      case 'counter':
        return { count: acc.stat('count', 0), rate: acc.stat('rate', ms) };
      case 'gauge':
        return { value: acc.stat('value', 0), max: acc.stat('max', 0) };
      case 'rate':
        return { rate: acc.stat('rate', 0), count: acc.count };
      case 'trend':
        return {
          count: acc.count,
          avg: acc.stat('avg', 0),
          'p(50)': acc.stat('p(50)', 0),
          'p(90)': acc.stat('p(90)', 0),
          'p(99)': acc.stat('p(99)', 0),
          max: acc.stat('max', 0),
        };
    }
  };

  return {
    add(name, raw, sampleTags) {
      const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        warnOnce(`nonfinite:${name}`, `metric ${name}: ignored a non-finite value (${String(raw)})`);
        return;
      }
      const st = stateOf(name);
      const tags = sampleTags ? { ...globalTags, ...sampleTags } : globalTags;
      seq += 1;
      st.total.add(value, seq);
      const key = tagKey(tags);
      let set = st.sets.get(key);
      if (!set && st.sets.size >= maxTagSets) {
        if (!st.folded) {
          st.folded = true;
          warn(`metric ${name}: more than ${maxTagSets} distinct tag sets; further ones are counted together as {overflow:true} (are tags taken from user data?)`);
        }
        const okey = tagKey(overflowTags);
        set = st.sets.get(okey);
        if (!set) st.sets.set(okey, (set = { tags: overflowTags, acc: createAccumulator(st.info.type) }));
      } else if (!set) st.sets.set(key, (set = { tags, acc: createAccumulator(st.info.type) }));
      set.acc.add(value, seq);
      (st.bucket ??= createAccumulator(st.info.type)).add(value, seq);
      for (const sub of subs) if (sub.name === name && matches(tags, sub.filter)) (sub.bucket ??= createAccumulator(st.info.type)).add(value, seq);
    },
    info: (name) => metrics.get(name)?.info ?? declared.get(name),
    observed: () => [...metrics.keys()],
    count: (name, filter) => accOf(name, filter)?.count ?? 0,
    stat(name, stat, filter) {
      const acc = accOf(name, filter) ?? createAccumulator(declared.get(name)?.type ?? 'counter');
      const v = acc.stat(stat, durationMs);
      return Number.isNaN(v) ? undefined : v;
    },
    tagSets: (name) => [...(metrics.get(name)?.sets.values() ?? [])].map((s) => s.tags),
    closeBucket(t, ms) {
      const out: TimeBucket = { t, ms, metrics: {} };
      for (const [name, st] of metrics) {
        if (!st.bucket) continue;
        out.metrics[name] = bucketStats(st.bucket, ms);
        st.bucket = null;
      }
      for (const sub of subs) {
        if (!sub.bucket) continue;
        out.metrics[sub.key] = bucketStats(sub.bucket, ms);
        sub.bucket = null;
      }
      return out;
    },
    setDurationMs(ms) {
      durationMs = ms;
    },
  };
}

/** A stable key of a tag set (order of keys does not matter). */
export function tagKey(tags: Tags): string {
  return JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
