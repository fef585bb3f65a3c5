import type { TimeBucket } from '../runner/run-result';

/**
 * Reading one metric out of the time buckets, one value per bucket. A bucket lists only the
 * metrics sampled in it, so what an absent entry means depends on the metric type: a counter
 * or a trend had nothing in it (a rate of 0), a trend has no percentiles (a gap, not 0 ms),
 * a gauge still holds its last value.
 */

export type SeriesPoints = (number | null)[];

export function hasMetric(series: readonly TimeBucket[], metric: string): boolean {
  return series.some((b) => b.metrics[metric] !== undefined);
}

/** Per second, for counters (their `rate`, else count over the bucket length) and trends (observations per second). */
export function perSecond(series: readonly TimeBucket[], metric: string): SeriesPoints {
  return series.map((b) => {
    const m = b.metrics[metric];
    if (m === undefined) return 0;
    if (m.rate !== undefined) return m.rate;
    return b.ms > 0 ? ((m.count ?? 0) * 1000) / b.ms : 0;
  });
}

/** One statistic of a trend per bucket; null where the bucket had no observation. */
export function trendStat(series: readonly TimeBucket[], metric: string, stat: 'avg' | 'p(50)' | 'p(90)' | 'p(99)' | 'max'): SeriesPoints {
  return series.map((b) => b.metrics[metric]?.[stat] ?? null);
}

/** A gauge per bucket, carried forward over buckets that did not set it; null before the first value. */
export function gaugeValue(series: readonly TimeBucket[], metric: string, scale = 1): SeriesPoints {
  let last: number | null = null;
  return series.map((b) => {
    const v = b.metrics[metric]?.value;
    if (v !== undefined) last = v * scale;
    return last;
  });
}
