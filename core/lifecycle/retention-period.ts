/**
 * How long data is kept: a whole number of hours, days, weeks, months or years, or forever.
 * Written `400d`, `12w`, `18mo`, `10y`, `48h` or `forever` in MF_RETENTION_TABLES and
 * MF_RETENTION_TOPICS; months are `mo` so that `m` is never read as minutes.
 */
export type RetentionUnit = 'h' | 'd' | 'w' | 'mo' | 'y';

export type RetentionPeriod = { forever: true } | { forever: false; count: number; unit: RetentionUnit };

export const forever: RetentionPeriod = Object.freeze({ forever: true });

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
// Months and years have no fixed length; comparisons between rules use the Gregorian averages
// (60mo equals 5y), while QuestDB applies them as calendar periods.
const averageYearMs = 365.2425 * dayMs;
const unitMs: Record<RetentionUnit, number> = { h: hourMs, d: dayMs, w: 7 * dayMs, mo: averageYearMs / 12, y: averageYearMs };

/** QuestDB's TTL keywords (ALTER TABLE … SET TTL n UNIT). */
const questdbUnit: Record<RetentionUnit, string> = { h: 'HOURS', d: 'DAYS', w: 'WEEKS', mo: 'MONTHS', y: 'YEARS' };

/** Parses `400d` / `forever`; undefined when the text is neither (the caller names the field). */
export function parseRetentionPeriod(text: string): RetentionPeriod | undefined {
  const trimmed = text.trim();
  if (trimmed === 'forever') return forever;
  const match = /^(\d{1,6})(h|d|w|mo|y)$/.exec(trimmed);
  if (!match || Number(match[1]) === 0) return undefined;
  return { forever: false, count: Number(match[1]), unit: match[2] as RetentionUnit };
}

export function formatRetentionPeriod(period: RetentionPeriod): string {
  return period.forever ? 'forever' : `${period.count}${period.unit}`;
}

/** Nominal length in ms (months and years at their average length); Infinity for forever. */
export function retentionMs(period: RetentionPeriod): number {
  return period.forever ? Infinity : period.count * unitMs[period.unit];
}

/** A whole number of days of at least `ms`. */
export function daysCovering(ms: number): RetentionPeriod {
  return { forever: false, count: Math.max(1, Math.ceil(ms / dayMs)), unit: 'd' };
}

/** The TTL clause QuestDB takes: `30 DAYS`, or `0 HOURS` (no TTL; QuestDB 9.2 wants a unit even for 0) for forever. */
export function questdbTtl(period: RetentionPeriod): string {
  return period.forever ? '0 HOURS' : `${period.count} ${questdbUnit[period.unit]}`;
}

/**
 * The period QuestDB reports in tables() (ttlValue, ttlUnit: e.g. 30 and 'DAY', or 2 and 'WEEK'); a
 * value of 0 is no TTL. Undefined for a unit this code does not know (a newer QuestDB).
 */
export function periodFromQuestdb(value: number, unit: string): RetentionPeriod | undefined {
  if (value === 0) return forever;
  const byKeyword: Record<string, RetentionUnit> = { HOUR: 'h', DAY: 'd', WEEK: 'w', MONTH: 'mo', YEAR: 'y' };
  const short = byKeyword[unit.toUpperCase().replace(/S$/, '')];
  return short ? { forever: false, count: value, unit: short } : undefined;
}

/** Kafka's retention.ms: a fixed duration, -1 for no time limit. Months and years have none, so topics take h, d or w only. */
export function kafkaRetentionMs(period: RetentionPeriod): string {
  return period.forever ? '-1' : String(retentionMs(period));
}

/** A topic's retention.ms as a period: whole days or hours when it is one, else undefined (shown as ms). */
export function periodFromKafka(retention: string): RetentionPeriod | undefined {
  const ms = Number(retention);
  if (ms < 0) return forever;
  if (!Number.isSafeInteger(ms) || ms === 0) return undefined;
  if (ms % dayMs === 0) return { forever: false, count: ms / dayMs, unit: 'd' };
  if (ms % hourMs === 0) return { forever: false, count: ms / hourMs, unit: 'h' };
  return undefined;
}

/** Whether two periods keep data equally long (7d and 1w are the same rule). */
export function samePeriod(a: RetentionPeriod, b: RetentionPeriod): boolean {
  return retentionMs(a) === retentionMs(b);
}
