/** Where a long step stands: done of total, for a progress line with rate and ETA. */
export interface ImportProgress {
  /** Reports progress of a step; printed at most every `everyMs` (and always at 100 %). */
  update(step: string, done: number, total: number, unit: string): void;
  /** Ends the current line (a terminal's \r line) before other output. */
  end(): void;
}

/**
 * Progress on stderr: on a terminal one line redrawn in place, elsewhere (CI, a log file) a line
 * every few seconds. Rate and ETA are measured from the step's start.
 */
export function createImportProgress(options: { stream?: NodeJS.WriteStream; everyMs?: number; now?: () => number } = {}): ImportProgress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = Boolean(stream.isTTY);
  const everyMs = options.everyMs ?? (tty ? 200 : 5000);
  let step = '';
  let stepStarted = 0;
  let lastPrinted = -Infinity;
  let open = false;
  let finished = false;
  return {
    update(name, done, total, unit) {
      const t = now();
      if (name !== step) {
        this.end();
        step = name;
        stepStarted = t;
        lastPrinted = -Infinity;
        finished = false;
      }
      if (finished || (t - lastPrinted < everyMs && done < total)) return;
      finished = done >= total;
      lastPrinted = t;
      const elapsedS = Math.max((t - stepStarted) / 1000, 1e-3);
      const rate = done / elapsedS;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const eta = rate > 0 && done < total ? `ETA ${formatDuration((total - done) / rate)}` : '';
      const bar = `[${'#'.repeat(Math.round(share * 20)).padEnd(20, '.')}]`;
      const line = `import: ${name} ${bar} ${(share * 100).toFixed(0).padStart(3)}% ${Math.round(done).toLocaleString('en-US')}/${Math.round(total).toLocaleString('en-US')} ${unit} ${Math.round(rate).toLocaleString('en-US')} ${unit}/s ${eta}`.trimEnd();
      if (tty) {
        stream.write(`\r${line}\u001b[K`);
        open = true;
      } else stream.write(`${line}\n`);
    },
    end() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
