import { spawnSync } from 'node:child_process';

/**
 * Prometheus' own verdict on an exposition: `promtool check metrics` (Debian's `prometheus`
 * package; .ci/run installs it). It fails a format error (exit 1: a second HELP, a bad label…)
 * and lints the naming conventions (exit 3: a gauge named *_total, a counter without _total,
 * a missing HELP). It does not report a series repeated inside one family: the strict parser
 * (prometheus-text.ts) does.
 */
export function promtoolCheckMetrics(text: string): { exitCode: number | null; problems: string[] } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`promtool not runnable (apt-get install -y --no-install-recommends prometheus): ${run.error.message}`);
  const problems = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { exitCode: run.status, problems };
}
