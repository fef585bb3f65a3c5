import { MeterflowError } from '../../core/errors';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * A k6 duration ("500ms", "30s", "2m", "1h30m", "1m30s", "1.5s") in ms. Units from largest to
 * smallest, each at most once; a bare number is refused (k6 reads it as seconds, which hides
 * mistakes). `field` names the option in the error, e.g. `options.scenarios.steady.duration`.
 */
export function parseDuration(text: unknown, field: string): number {
  if (typeof text !== 'string' || text.trim() === '') throw invalid(field, text, 'must be a duration such as "30s", "2m", "1h30m" or "500ms"');
  const s = text.trim();
  let total = 0;
  let lastRank = Infinity;
  part.lastIndex = 0;
  while (part.lastIndex < s.length) {
    const at = part.lastIndex;
    const m = part.exec(s);
    if (!m) throw invalid(field, text, `cannot read "${s.slice(at)}" (units: h, m, s, ms)`);
    const unit = m[2] as string;
    const rank = unitMs[unit] as number;
    if (rank >= lastRank) throw invalid(field, text, 'units must go from largest to smallest, each at most once');
    lastRank = rank;
    total += Number(m[1]) * rank;
  }
  return total;
}

/** k6's way of printing a duration in the progress line: "1m00.0s", "0m12.3s", "1h02m03.0s". */
export function formatClock(ms: number): string {
  const totalTenths = Math.max(0, Math.floor(ms / 100));
  const tenths = totalTenths % 10;
  const totalS = Math.floor(totalTenths / 10);
  const s = totalS % 60;
  const m = Math.floor(totalS / 60) % 60;
  const h = Math.floor(totalS / 3600);
  const sec = `${String(s).padStart(2, '0')}.${tenths}s`;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${sec}` : `${m}m${sec}`;
}

function invalid(field: string, text: unknown, why: string): MeterflowError {
  return new MeterflowError('LOAD_TEST_INVALID', `${field}: ${why}; got ${JSON.stringify(text)}`);
}
