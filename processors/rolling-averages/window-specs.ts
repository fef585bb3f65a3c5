import { MeterflowError } from '../../core/errors';

export interface SlidingWindowSpec {
  /** As configured, e.g. '15m'; the `window_size` column of rolling_averages. */
  name: string;
  sizeMs: number;
  /** How often a window ends (its results are emitted); divides sizeMs. */
  hopMs: number;
}

export interface TumblingWindowSpec {
  /** '1m', '1h', '1d'; the `bucket` column of rollups. */
  name: string;
  /** Fixed length, or 'local-day' for calendar days in the configured time zone (23–25 h around DST). */
  size: number | 'local-day';
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, variable: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new MeterflowError('CONFIG_INVALID', `${variable}: "${text}" is not a duration like 90s, 15m, 1h or 1d`);
  return Number(match[1]) * units[match[2]!]!;
}

/** "15m/5m,1h/15m,24h/1h": window size / hop, comma-separated. */
export function parseSlidingWindows(text: string, variable = 'MF_ROLLING_WINDOWS'): SlidingWindowSpec[] {
  return text.split(',').map((item) => {
    const [size, hop] = item.split('/').map((s) => s.trim());
    if (!size || !hop) throw new MeterflowError('CONFIG_INVALID', `${variable}: "${item}" must be <size>/<hop>, e.g. 15m/5m`);
    const sizeMs = parseDuration(size, variable);
    const hopMs = parseDuration(hop, variable);
    if (hopMs > sizeMs || sizeMs % hopMs !== 0) throw new MeterflowError('CONFIG_INVALID', `${variable}: in "${item}" the hop must divide the size`);
    return { name: size, sizeMs, hopMs };
  });
}

/**
 * The longest sliding window, the first listed among equally long ones: the one group comparison
 * compares every meter of a group on, at each of its window ends (processors.ts picks it the same
 * way), so the rolling averages write it at every end that holds a reading, changed or not.
 */
export function longestWindow(specs: readonly SlidingWindowSpec[]): SlidingWindowSpec | undefined {
  let longest: SlidingWindowSpec | undefined;
  for (const spec of specs) if (!longest || spec.sizeMs > longest.sizeMs) longest = spec;
  return longest;
}

/** "1m,1h,1d": tumbling bucket sizes; 1d follows local calendar days. */
export function parseTumblingWindows(text: string, variable = 'MF_ROLLUP_BUCKETS'): TumblingWindowSpec[] {
  return text.split(',').map((item) => {
    const name = item.trim();
    const ms = parseDuration(name, variable);
    if (ms === units.d) return { name, size: 'local-day' as const };
    if (ms > units.h! || units.h! % ms !== 0) throw new MeterflowError('CONFIG_INVALID', `${variable}: "${name}" must divide an hour, or be 1d`);
    return { name, size: ms };
  });
}
