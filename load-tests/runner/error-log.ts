import { describeError } from '../../core/errors';

/**
 * Logs iteration errors at most once per `everyMs` per key (a scenario), saying how many were
 * left out since the last line, so a failing system under test cannot flood the console.
 */
export function createErrorLog(log: (line: string) => void, now: () => number, everyMs = 1000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, error: unknown) => {
    const t = now();
    const entry = last.get(key);
    if (entry && t - entry.at < everyMs) {
      entry.suppressed += 1;
      return;
    }
    const more = entry && entry.suppressed > 0 ? ` (+${entry.suppressed} more since the last one)` : '';
    last.set(key, { at: t, suppressed: 0 });
    log(`scenario ${key}: iteration failed: ${describeError(error)}${more}`);
  };
}
