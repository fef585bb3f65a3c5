/**
 * The Low Carbon London dynamic time-of-use schedule (`dToU_schedule_2013.csv`: header
 * `TariffDateTime,Tariff`, one row per half hour, `2013-01-01 00:00:00,Normal`) → the calendar
 * of a dated TOU tariff (dated-tou.ts): only the instants where the band changes.
 *
 * - A row is the band of the half hour that starts at its time, as the trial's half-hourly
 *   readings are the kWh of the half hour that starts at theirs.
 * - Times are GMT (UTC) all year, as in the trial's files: the 2013 schedule has 17,520 rows,
 *   365 × 48, with no hole at the March change to summer time and no repeat at the October
 *   one. The calendar is written as UTC instants (`2013-03-31T01:00:00Z`).
 * - A half hour the file skips is priced in the default band (the trial's Normal rate held
 *   whenever no event was announced); the count of such half hours is returned.
 * - Rows must be on the half-hour grid and strictly increasing: anything else is refused,
 *   naming the line, rather than guessed at.
 */
import { MeterflowError } from '../errors';

const halfHourMs = 30 * 60_000;
const rowPattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const bandPattern = /^[A-Za-z0-9 ._-]{1,32}$/;

export interface LclScheduleOptions {
  /** Band of half hours the file skips. @default 'Normal' */
  defaultBand?: string;
  /** Named in errors (a file name). @default 'schedule' */
  source?: string;
}

export interface LclCalendar {
  calendar: Array<{ from: string; band: string }>;
  /** End of the last row's half hour. */
  calendarEnd: string;
  defaultBand: string;
  /** Half hours per band as the file lists them. */
  halfHours: Record<string, number>;
  /** Half hours between the first and last row the file does not list (priced in the default band). */
  missingHalfHours: number;
}

/** `2013-03-31T01:00:00Z`: the instant form the calendar is written in. */
export function utcInstant(ts: number): string {
  return new Date(ts).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms of a `YYYY-MM-DD HH:MM:SS` UTC time, or null when it is not a real one. */
function readTime(text: string): number | null {
  const m = rowPattern.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ts = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ts);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return ts;
}

/** The LCL schedule's text → a compact calendar; throws TARIFF_SCHEDULE_INVALID naming the line. */
export function lclScheduleToCalendar(text: string, options: LclScheduleOptions = {}): LclCalendar {
  const defaultBand = options.defaultBand ?? 'Normal';
  const source = options.source ?? 'schedule';
  const fail = (line: number, message: string) => new MeterflowError('TARIFF_SCHEDULE_INVALID', `${source} line ${line}: ${message}`);
  const lines = text.split(/\r?\n/);
  if (lines[0]?.replace(/^\uFEFF/, '').trim() !== 'TariffDateTime,Tariff') throw fail(1, `expected the header "TariffDateTime,Tariff"; got ${JSON.stringify(lines[0] ?? '')}`);

  const calendar: LclCalendar['calendar'] = [];
  const halfHours: Record<string, number> = {};
  let missingHalfHours = 0;
  let current: string | null = null;
  let end: number | null = null;
  const change = (ts: number, band: string) => {
    if (band !== current) calendar.push({ from: utcInstant(ts), band });
    current = band;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(',');
    if (fields.length !== 2) throw fail(i + 1, `expected 2 fields (TariffDateTime,Tariff); got ${fields.length}`);
    const ts = readTime(fields[0]!.trim());
    if (ts === null) throw fail(i + 1, `"${fields[0]}" is not a time of the form YYYY-MM-DD HH:MM:SS`);
    if (ts % halfHourMs !== 0) throw fail(i + 1, `${fields[0]} is not on the half-hour grid (:00 or :30)`);
    const band = fields[1]!.trim();
    if (!bandPattern.test(band)) throw fail(i + 1, `band ${JSON.stringify(fields[1])} must be 1-32 characters of letters, digits, space . _ -`);
    if (end !== null && ts < end) throw fail(i + 1, `${fields[0]} is not after the previous row's half hour (times must increase)`);
    if (end !== null && ts > end) {
      missingHalfHours += (ts - end) / halfHourMs;
      change(end, defaultBand);
    }
    change(ts, band);
    halfHours[band] = (halfHours[band] ?? 0) + 1;
    end = ts + halfHourMs;
  }
  if (end === null) throw fail(2, 'no rows after the header');
  return { calendar, calendarEnd: utcInstant(end), defaultBand, halfHours, missingHalfHours };
}
