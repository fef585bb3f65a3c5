import { formatClock } from './durations';
import { formatTime } from './format-values';

export interface ProgressState {
  elapsedMs: number;
  totalMs: number;
  /** VUs running an iteration / VUs initialised. */
  activeVus: number;
  maxVus: number;
  iterations: number;
  /** Iterations per second over the last bucket. */
  iterationRate: number;
  dropped: number;
  /** The headline trend: label (e.g. "puback") and its p(99) so far, ms. */
  p99?: { label: string; ms: number };
  /** Share of one core (0.34 = 34 %). */
  generatorCpu?: number;
  aborting?: boolean;
}

/** `running (0m12.0s/1m00.0s), 0041/0050 VUs, 12043 iterations (995.1/s), dropped 0, p99 puback 8.1ms, generator CPU 34%` */
export function formatProgressLine(s: ProgressState): string {
  const width = Math.max(2, String(s.maxVus).length);
  const parts = [
    `${s.aborting ? 'stopping' : 'running'} (${formatClock(s.elapsedMs)}/${formatClock(s.totalMs)})`,
    `${String(s.activeVus).padStart(width, '0')}/${String(s.maxVus).padStart(width, '0')} VUs`,
    `${s.iterations} iterations (${s.iterationRate.toFixed(1)}/s)`,
    `dropped ${s.dropped}`,
  ];
  if (s.p99) parts.push(`p99 ${s.p99.label} ${formatTime(s.p99.ms)}`);
  if (s.generatorCpu !== undefined) parts.push(`generator CPU ${Math.round(s.generatorCpu * 100)}%`);
  return parts.join(', ');
}

/** A short label for a metric in the progress line: mqtt_puback_latency → puback. */
export function progressLabel(metric: string): string {
  return metric.replace(/^mqtt_/, '').replace(/_(latency|duration)$/, '') || metric;
}

export interface ProgressWriter {
  (line: string): void;
  /** Ends the in-place line (a newline on a TTY) before other output. */
  end(): void;
}

/**
 * Writes progress lines: on a TTY one line rewritten in place (`\r` + clear to end of line);
 * otherwise (CI logs) a plain line at most every `plainEveryMs` (default 10 s).
 */
export function createProgressWriter(stream: { write(s: string): unknown; isTTY?: boolean }, options: { plainEveryMs?: number; now?: () => number } = {}): ProgressWriter {
  const now = options.now ?? (() => Date.now());
  const every = options.plainEveryMs ?? 10_000;
  let lastPlain = -Infinity;
  let open = false;
  const write = ((line: string) => {
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K`);
      open = true;
      return;
    }
    const t = now();
    if (t - lastPlain < every) return;
    lastPlain = t;
    stream.write(`${line}\n`);
  }) as ProgressWriter;
  write.end = () => {
    if (open) stream.write('\n');
    open = false;
  };
  return write;
}
