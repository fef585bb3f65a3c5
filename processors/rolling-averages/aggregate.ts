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

/** `into` with `a` added (a copy of `a` when `into` is null); `a` is never changed. */
export function mergeAggregate(into: Aggregate | null, a: Aggregate): Aggregate {
  if (!into) return [a[0], a[1], a[2], a[3]];
  into[0] += a[0];
  into[1] += a[1];
  if (a[2] < into[2]) into[2] = a[2];
  if (a[3] > into[3]) into[3] = a[3];
  return into;
}
