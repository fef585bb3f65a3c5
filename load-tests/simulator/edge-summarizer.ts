import type { MeterKind, WireEdgeStats, WireReading } from '../../core/contracts';
import { MeterflowError } from '../../core/errors';

/**
 * What an edge node computes before it sends: one meter's samples summarised per aligned
 * interval [from, from + intervalMs) as count, min, max and mean (the wire format of
 * meters/{id}/stats). A summary is complete, and returned, when the first sample of a later
 * interval arrives; samples must come in time order. `flush` returns the interval in progress.
 */
export interface EdgeSummarizer {
  add(reading: WireReading): WireEdgeStats | null;
  flush(): WireEdgeStats | null;
}

export function createEdgeSummarizer(intervalMs: number): EdgeSummarizer {
  if (!Number.isInteger(intervalMs) || intervalMs < 1000) throw new RangeError(`intervalMs must be an integer of at least 1000 ms, got ${intervalMs}`);
  let open: { from: number; kind: MeterKind; sector?: string; count: number; min: number; max: number; sum: number } | null = null;
  const close = (): WireEdgeStats | null => {
    if (!open) return null;
    const s = open;
    open = null;
    const mean = Math.min(s.max, Math.max(s.min, Math.round((s.sum / s.count) * 1000) / 1000));
    return { kind: s.kind, from: s.from, to: s.from + intervalMs, count: s.count, min: s.min, max: s.max, mean, ...(s.sector ? { sector: s.sector } : {}) };
  };
  return {
    add(r) {
      if (r.value === undefined) return null;
      const ts = typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
      const from = Math.floor(ts / intervalMs) * intervalMs;
      const done = open && open.from !== from ? close() : null;
      if (!open) open = { from, kind: r.kind, ...(r.sector ? { sector: r.sector } : {}), count: 0, min: r.value, max: r.value, sum: 0 };
      open.count += 1;
      open.min = Math.min(open.min, r.value);
      open.max = Math.max(open.max, r.value);
      open.sum += r.value;
      return done;
    },
    flush: close,
  };
}

/** The simulator's --edge-stats interval: <n>s, <n>m or <n>h (at least 1 s). */
export function parseEdgeStatsInterval(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'] : NaN;
  if (!(ms >= 1000)) throw new MeterflowError('CONFIG_INVALID', `--edge-stats: "${text}" is not an interval such as 30s, 5m or 1h`);
  return ms;
}
