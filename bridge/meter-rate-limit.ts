/** Decides, per meter (or gateway), whether one more message may pass now. */
export interface MeterRateLimit {
  /** True when the meter is within its budget; false when this message is over it. */
  take(meterId: string, now: number): boolean;
  /** Meters currently tracked (bounded by maxMeters). */
  size(): number;
}

export interface MeterRateLimitOptions {
  /** Sustained messages per second per meter; 0 turns the limit off. */
  perSecond: number;
  /** Messages a meter may send at once after a quiet spell. */
  burst: number;
  /**
   * Most meters tracked; the least recently seen are forgotten first (a forgotten meter starts
   * with a full bucket again). Bounds the bridge's memory whatever ids devices use. @default 200000
   */
  maxMeters?: number;
}

/**
 * A token bucket per meter: one misbehaving device (a firmware loop, a replay at full speed)
 * spends only its own budget, so it cannot crowd out the rest of the fleet in the bridge,
 * Kafka and every processor. The excess is dead-lettered (RATE_LIMITED), never silently lost.
 */
export function createMeterRateLimit(options: MeterRateLimitOptions): MeterRateLimit {
  const maxMeters = options.maxMeters ?? 200_000;
  // Map keeps insertion order: re-inserting on each use makes the first key the least recently seen.
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(meterId, now) {
      if (options.perSecond <= 0) return true;
      let bucket = buckets.get(meterId);
      if (bucket) {
        buckets.delete(meterId);
        bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.perSecond);
        bucket.at = now;
      } else {
        bucket = { tokens: options.burst, at: now };
        if (buckets.size >= maxMeters) buckets.delete(buckets.keys().next().value as string);
      }
      buckets.set(meterId, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    size: () => buckets.size,
  };
}
