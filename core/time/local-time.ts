/**
 * Calendar arithmetic in a meter's own time zone (IANA name), DST included, with nothing
 * but Intl: billing months, local days and night hours all start at local midnight or a
 * local hour, which is a different UTC instant on each side of a DST change.
 */
export interface LocalParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function checkTimeZone(zone: string): string {
  try {
    formatter(zone);
  } catch {
    throw new RangeError(`"${zone}" is not an IANA time zone (e.g. Europe/Lisbon, America/Sao_Paulo)`);
  }
  return zone;
}

/** The wall-clock reading in `zone` at instant `ts` (epoch ms). */
export function localParts(ts: number, zone: string): LocalParts {
  const offset = hourOffset(ts, zone);
  if (offset === null) return intlParts(ts, zone);
  // Within an hour that holds no offset change, the wall clock is the UTC clock shifted by the offset.
  const d = new Date(ts + offset);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
}

const hourMs = 3_600_000;
/** Per zone: hour index → the zone's offset through that hour, or NaN when the offset changes within it. */
const hourOffsets = new Map<string, Map<number, number>>();
/** Hours remembered per zone (a year of hours is 8,760): bounded, forgotten all at once when full. */
const maxHoursPerZone = 50_000;

/**
 * The offset of `zone` through the whole UTC hour holding `ts`, or null when it changes in that
 * hour. Why: formatting through Intl costs microseconds per call and billing, rollups and leak
 * rules ask for local time once per reading; offsets change at most once in an hour (DST, or a
 * zone's rule change), so the offsets at the hour's first and last second settle it.
 */
function hourOffset(ts: number, zone: string): number | null {
  if (!Number.isFinite(ts)) return null;
  const hour = Math.floor(ts / hourMs);
  let hours = hourOffsets.get(zone);
  if (!hours) hourOffsets.set(zone, (hours = new Map()));
  let offset = hours.get(hour);
  if (offset === undefined) {
    const start = hour * hourMs;
    const first = intlOffsetMs(start, zone);
    offset = first === intlOffsetMs(start + hourMs - 1000, zone) ? first : Number.NaN;
    if (hours.size >= maxHoursPerZone) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? null : offset;
}

function intlOffsetMs(ts: number, zone: string): number {
  const p = intlParts(ts, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (ts - (((ts % 1000) + 1000) % 1000));
}

function intlParts(ts: number, zone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(ts))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: weekdays[parts.weekday!]!,
  };
}

/** Offset of `zone` from UTC at instant `ts`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ts: number, zone: string): number {
  const p = localParts(ts, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock in `zone` shows the given local time. As Temporal's
 * 'compatible' disambiguation: a local time skipped by a DST jump is moved forward by the
 * gap (02:30 → 03:30), one that exists twice (fall-back) maps to the earlier instant. Month and day may overflow
 * (month 13 = January of the next year), as with Date.UTC.
 */
export function fromLocal(zone: string, year: number, month: number, day = 1, hour = 0, minute = 0): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset except inside a gap; the earlier candidate wins a fold.
  const first = naive - zoneOffsetMs(naive, zone);
  const second = naive - zoneOffsetMs(first, zone);
  const candidates = [first, second].filter((t) => zoneOffsetMs(t, zone) === naive - t).sort((a, b) => a - b);
  if (candidates.length > 0) {
    const earlier = candidates[0]!;
    // A fall-back fold: the same wall time an hour earlier may also exist.
    const hourBefore = earlier - 3_600_000;
    return zoneOffsetMs(hourBefore, zone) === naive - hourBefore ? hourBefore : earlier;
  }
  // In a spring-forward gap: read with the offset from before the jump, i.e. moved forward by the gap.
  return Math.max(first, second);
}

const quarterHour = 15 * 60_000;
const dayStarts = new Map<string, Map<number, number>>();

/**
 * Local midnight that starts the day containing `ts`. Memoised per quarter hour: Intl is slow
 * (tens of µs a call) and every zone changes offset on a quarter-hour boundary.
 */
export function startOfLocalDay(ts: number, zone: string): number {
  let cache = dayStarts.get(zone);
  if (!cache) dayStarts.set(zone, (cache = new Map()));
  const slot = Math.floor(ts / quarterHour);
  let start = cache.get(slot);
  if (start === undefined) {
    const p = localParts(ts, zone);
    start = fromLocal(zone, p.year, p.month, p.day);
    if (cache.size > 100_000) cache.clear(); // bounded: ~3 years of quarter hours per zone
    cache.set(slot, start);
  }
  return start;
}

/** Local midnight that starts the calendar month containing `ts`. */
export function startOfLocalMonth(ts: number, zone: string): number {
  const p = localParts(ts, zone);
  return fromLocal(zone, p.year, p.month, 1);
}
