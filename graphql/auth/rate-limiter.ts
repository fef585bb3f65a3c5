/** Outcome of one request against its subject's bucket. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

/** Token buckets per subject, in memory (per server process). */
export interface RateLimiter {
  take(subject: string): RateDecision;
  /** Subjects with a bucket currently held (full buckets are dropped). */
  size(): number;
}

export interface RateLimiterOptions {
  /** Bucket size and refill per minute; 0 = unlimited. */
  perMinute: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  /** Sweep refilled buckets once this many are held, so one-off subjects do not pile up. */
  sweepAbove?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A burst of up to perMinute requests, then perMinute per minute evenly: a bucket of perMinute
 * tokens refilled continuously. A bucket that has refilled is the same as no bucket, which is
 * what lets the sweep forget it.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute } = options;
  const now = options.now ?? Date.now;
  const sweepAbove = options.sweepAbove ?? 10_000;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
    bucket.at = at;
  };
  const sweep = (at: number) => {
    for (const [subject, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= perMinute) buckets.delete(subject);
    }
  };

  return {
    take(subject) {
      if (perMinute <= 0) return { allowed: true };
      const at = now();
      if (buckets.size > sweepAbove) sweep(at);
      let bucket = buckets.get(subject);
      if (!bucket) {
        bucket = { tokens: perMinute, at };
        buckets.set(subject, bucket);
      }
      refill(bucket, at);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      // Time until one whole token is back, rounded up so a client that waits is let in.
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
    size: () => buckets.size,
  };
}
