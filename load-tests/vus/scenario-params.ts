import { ConfigError } from '../../core/config/config-error';
import { parseDuration } from '../runner/durations';

/**
 * A scenario's own knobs (rate, duration, VUs…), read from the test env when the scenario is
 * built, validated once with errors naming the variable. k6 reads `__ENV` inside `options`; here
 * a scenario file exports `build(env)` and its default export is `build(process.env)`.
 */
export interface ScenarioParams {
  int(name: string, fallback: number, min?: number, max?: number): number;
  /** A k6 duration ("30s", "2m", "1h30m", "500ms"), returned as written. */
  duration(name: string, fallback: string): string;
  string(name: string, fallback: string): string;
}

export function scenarioParams(env: Record<string, string | undefined>): ScenarioParams {
  const raw = (name: string) => env[name]?.trim() ?? '';
  return {
    int(name, fallback, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const text = raw(name);
      if (text === '') return fallback;
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < min || n > max) throw new ConfigError('CONFIG_INVALID', name, `${name} must be an integer in [${min}, ${max}]; got ${JSON.stringify(text)}`);
      return n;
    },
    duration(name, fallback) {
      const text = raw(name);
      if (text === '') return fallback;
      try {
        parseDuration(text, name); // the runner's own parser, so a value it accepts here it accepts there
      } catch {
        throw new ConfigError('CONFIG_INVALID', name, `${name} must be a duration like 30s, 2m, 1h30m or 500ms; got ${JSON.stringify(text)}`);
      }
      return text;
    },
    string(name, fallback) {
      return raw(name) || fallback;
    },
  };
}

/** Milliseconds of a k6 duration string (one a scenario wrote or `duration()` checked). */
export function durationMs(text: string): number {
  return parseDuration(text, 'duration');
}
