/** count, sum, min, max: all that mean, min and max over any union of buckets need. */
export type Aggregate = [count: number, sum: number, min: number, max: number];

export function addValue(agg: Aggregate | undefined, value: number): Aggregate {
  if (!agg) return [1, value, value, value];
  agg[0] += 1;
  agg[1] += value;
  if (value < agg[2]) agg[2] = value;
  if (value > agg[3]) agg[3] = value;
  return agg;
}

export function mergeAggregates(aggs: Iterable<Aggregate>): Aggregate | null {
  let out: Aggregate | null = null;
  for (const a of aggs) {
    if (!out) out = [...a];
    else {
      out[0] += a[0];
      out[1] += a[1];
      out[2] = Math.min(out[2], a[2]);
      out[3] = Math.max(out[3], a[3]);
    }
  }
  return out;
}
