/**
 * One bucket of a window: its start (epoch ms) and the count, sum, min and max of its values,
 * all that mean, min and max over any union of buckets need.
 */
export type Bucket = [start: number, count: number, sum: number, min: number, max: number];

/**
 * Buckets as checkpoints of earlier releases hold them: start (as a string key) → [count, sum,
 * min, max]. Object keys cost a number parse on every read and a dictionary-mode delete on every
 * drop, and closing windows reads and drops buckets after every reading: the largest cost of
 * the processor on history.
 */
export type LegacyBuckets = Record<string, [count: number, sum: number, min: number, max: number]>;

/**
 * Adds a value to the bucket starting at `start` of a list in ascending start order. A meter's
 * readings mostly come in time order, so that bucket is the last one or a new last one; an
 * earlier one is found from the end.
 */
export function addToBuckets(list: Bucket[], start: number, value: number): void {
  let i = list.length - 1;
  while (i >= 0 && list[i]![0] > start) i -= 1;
  const b = list[i];
  if (b && b[0] === start) {
    b[1] += 1;
    b[2] += value;
    if (value < b[3]) b[3] = value;
    if (value > b[4]) b[4] = value;
    return;
  }
  list.splice(i + 1, 0, [start, 1, value, value, value]);
}

/** The list of an earlier release's buckets, in ascending start order. */
export function bucketsFromLegacy(buckets: LegacyBuckets): Bucket[] {
  return Object.entries(buckets)
    .map(([start, [count, sum, min, max]]): Bucket => [Number(start), count, sum, min, max])
    .sort((a, b) => a[0] - b[0]);
}
