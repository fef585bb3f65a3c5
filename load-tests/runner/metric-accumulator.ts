import { build, type Histogram } from 'hdr-histogram-js';
import type { MetricType } from './load-test';

/**
 * What one metric (or one of its tag sets, or one time bucket of it) has seen, by k6 type:
 * counter → sum; gauge → last/min/max; rate → passes of total; trend → an HDR histogram of
 * the values in thousandths (µs for time trends in ms), 3 significant digits, plus exact
 * count/sum/min/max. Negative trend values are recorded as 0 in the histogram (min stays exact).
 */
export interface Accumulator {
  readonly type: MetricType;
  readonly count: number;
  add(value: number, seq: number): void;
  /** Adds what `other` (same type) has seen. */
  merge(other: Accumulator): void;
  /** k6's aggregation: avg min max med count rate value passes fails p(N); NaN if it does not apply. */
  stat(name: string, durationMs: number): number;
}

const scale = 1000;

export function createAccumulator(type: MetricType, histogram: 'compact' | 'fast' = 'compact'): Accumulator {
  switch (type) {
    case 'counter':
      return counter();
    case 'gauge':
      return gauge();
    case 'rate':
      return rate();
    case 'trend':
      return trend(histogram);
  }
}

function counter(): Accumulator {
  let sum = 0;
  let count = 0;
  return {
    type: 'counter',
    get count() {
      return count;
    },
    add(v) {
      sum += v;
      count += 1;
    },
    merge(o) {
      sum += o.stat('count', 0);
      count += o.count;
    },
    stat(name, durationMs) {
      if (name === 'count') return sum;
      if (name === 'rate') return durationMs > 0 ? sum / (durationMs / 1000) : 0;
      return NaN;
    },
  };
}

function gauge(): Accumulator {
  let last = 0;
  let lastSeq = -1;
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  const self: Accumulator & { lastSeq(): number } = {
    type: 'gauge',
    get count() {
      return count;
    },
    add(v, seq) {
      if (seq >= lastSeq) {
        last = v;
        lastSeq = seq;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      count += 1;
    },
    merge(o) {
      if (o.count === 0) return;
      const oSeq = (o as typeof self).lastSeq();
      if (oSeq >= lastSeq) {
        last = o.stat('value', 0);
        lastSeq = oSeq;
      }
      min = Math.min(min, o.stat('min', 0));
      max = Math.max(max, o.stat('max', 0));
      count += o.count;
    },
    stat(name) {
      if (name === 'value') return count ? last : 0;
      if (name === 'min') return count ? min : 0;
      if (name === 'max') return count ? max : 0;
      return NaN;
    },
    lastSeq: () => lastSeq,
  };
  return self;
}

function rate(): Accumulator {
  let passes = 0;
  let count = 0;
  return {
    type: 'rate',
    get count() {
      return count;
    },
    add(v) {
      if (v !== 0) passes += 1;
      count += 1;
    },
    merge(o) {
      passes += o.stat('passes', 0);
      count += o.count;
    },
    stat(name) {
      if (name === 'rate') return count ? passes / count : 0;
      if (name === 'passes') return passes;
      if (name === 'fails') return count - passes;
      if (name === 'count') return count;
      return NaN;
    },
  };
}

function trend(kind: 'compact' | 'fast'): Accumulator {
  const hist: Histogram = build({ bitBucketSize: kind === 'fast' ? 32 : 'packed', autoResize: true, numberOfSignificantValueDigits: 3 });
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const self: Accumulator & { hist: Histogram } = {
    type: 'trend',
    hist,
    get count() {
      return count;
    },
    add(v) {
      hist.recordValue(Math.max(0, Math.round(v * scale)));
      count += 1;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    },
    merge(o) {
      if (o.count === 0) return;
      hist.add((o as typeof self).hist);
      count += o.count;
      sum += o.stat('avg', 0) * o.count;
      min = Math.min(min, o.stat('min', 0));
      max = Math.max(max, o.stat('max', 0));
    },
    stat(name) {
      if (name === 'count') return count;
      if (count === 0) return name === 'avg' || name === 'min' || name === 'max' || name === 'med' || parsePercentile(name) !== null ? 0 : NaN;
      if (name === 'avg') return sum / count;
      if (name === 'min') return min;
      if (name === 'max') return max;
      const p = name === 'med' ? 50 : parsePercentile(name);
      if (p === null) return NaN;
      if (p <= 0) return min;
      if (p >= 100) return max;
      // HDR answers the highest value equivalent to the bucket; keep it within what was seen.
      return Math.min(max, Math.max(min, hist.getValueAtPercentile(p) / scale));
    },
  };
  return self;
}

/** "p(99.9)" → 99.9; anything else → null. */
export function parsePercentile(name: string): number | null {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
  if (!m) return null;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? p : null;
}
