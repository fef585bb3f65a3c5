/**
 * Local calendar days as `YYYY-MM-DD` strings. Billing counts days, and a day is a local
 * calendar day of the meter's zone (23 or 25 hours long across a DST change), so day
 * arithmetic is done on the calendar date itself, never by dividing milliseconds by 24 h.
 */
import { fromLocal, localParts } from './local-time';

const dayMs = 86_400_000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The local calendar date in `zone` at instant `ts`. */
export function localDate(ts: number, zone: string): string {
  const p = localParts(ts, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Splits a `YYYY-MM-DD` date; throws a RangeError naming it when it is not one. */
export function parseLocalDate(date: string): { year: number; month: number; day: number } {
  const m = datePattern.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`"${date}" is not a calendar date`);
  }
  return { year, month, day };
}

export function isLocalDate(date: string): boolean {
  try {
    parseLocalDate(date);
    return true;
  } catch {
    return false;
  }
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseLocalDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Calendar days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / dayMs);
}

/** The instant local midnight starts `date` in `zone`. */
export function startOfDate(date: string, zone: string): number {
  const { year, month, day } = parseLocalDate(date);
  return fromLocal(zone, year, month, day);
}
