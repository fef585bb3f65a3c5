/**
 * Dated time of use: the energy charge of a tariff whose price band is announced for specific
 * dates (London's Low Carbon London dynamic ToU: High, Low or Normal per half hour of 2013,
 * told a day ahead), which no fixed weekday/weekend × month × hour schedule can express.
 *
 * - `bands`: named bands, each priced with its own inclining blocks (usually one rate), as TOU
 *   periods are.
 * - `calendar`: only the instants where the band changes, `{ from, band }`, in increasing
 *   order; entry i holds from its `from` up to the next entry's `from` (the last one up to
 *   `calendarEnd`). Instants are ISO 8601 with their offset (`2013-03-31T01:00:00Z`,
 *   `2013-07-01T17:00:00+01:00`), so a change is one instant for every meter whatever its
 *   zone, and a time in the repeated hour of a DST fall-back is not ambiguous. Each falls on a
 *   quarter hour (below).
 * - `defaultBand`: the band before the first entry and from `calendarEnd` on.
 *
 * Validated once with the tariff (tariff.ts); errors name the field, e.g.
 * `tariff "x".datedTou.calendar[3].from: must be after calendar[2].from (…)`.
 */
import { z } from 'zod';
import { parseEventTime } from '../contracts/timestamp';
import { blocksSchema } from './tariff-blocks';

const instantMessage = 'must be an ISO 8601 instant with its offset, e.g. 2013-01-01T00:00:00Z or 2013-07-01T17:00:00+01:00';
const quarterHourMs = 15 * 60_000;
/**
 * Changes fall on a quarter hour (:00, :15, :30, :45 of every zone, all offsets being multiples
 * of 15 min). Why: billing compacts settled register history to at most 2 points per 15-min slot
 * (or a divisor of it; register-consumption.ts compactRegister), which keeps every slot's total
 * but not where in the slot it was used; a band boundary inside a slot could then move usage
 * from one band to the other depending on when the bill was computed.
 */
const instant = z
  .string()
  .refine((s) => parseEventTime(s) !== null, { message: instantMessage })
  .refine((s) => (parseEventTime(s) ?? 0) % quarterHourMs === 0, { message: 'must fall on a quarter hour (:00, :15, :30 or :45, no seconds): billing keeps settled history in 15-minute slots' });

/**
 * Entries a calendar may hold: 28 years of a band change every half hour. Far above any real
 * schedule (LCL's 2013 has 272 changes); it bounds what one config file can make billing walk.
 */
export const maxCalendarEntries = 500_000;

export const datedTouSchema = z
  .object({
    bands: z.array(z.object({ name: z.string().min(1).max(32), blocks: blocksSchema }).strict()).min(1),
    /** Band in force outside the calendar (before its first entry, from calendarEnd on). */
    defaultBand: z.string().min(1),
    calendar: z.array(z.object({ from: instant, band: z.string().min(1) }).strict()).min(1).max(maxCalendarEntries),
    /** Where the last entry's band stops (exclusive); the default band holds from here on. */
    calendarEnd: instant,
  })
  .strict()
  .superRefine((tou, ctx) => {
    const names = new Set<string>();
    tou.bands.forEach((b, i) => {
      if (names.has(b.name)) ctx.addIssue({ code: 'custom', path: ['bands', i, 'name'], message: `"${b.name}" is used twice` });
      names.add(b.name);
    });
    const known = () => [...names].join(', ');
    if (!names.has(tou.defaultBand)) ctx.addIssue({ code: 'custom', path: ['defaultBand'], message: `band "${tou.defaultBand}" does not exist (bands: ${known()})` });
    let previous = -Infinity;
    tou.calendar.forEach((entry, i) => {
      if (!names.has(entry.band)) ctx.addIssue({ code: 'custom', path: ['calendar', i, 'band'], message: `band "${entry.band}" does not exist (bands: ${known()})` });
      const at = parseEventTime(entry.from)!;
      if (at <= previous) ctx.addIssue({ code: 'custom', path: ['calendar', i, 'from'], message: `must be after calendar[${i - 1}].from (${tou.calendar[i - 1]!.from})` });
      previous = Math.max(previous, at);
    });
    const last = tou.calendar[tou.calendar.length - 1]!;
    if (parseEventTime(tou.calendarEnd)! <= previous) ctx.addIssue({ code: 'custom', path: ['calendarEnd'], message: `must be after the last entry's from (${last.from})` });
  });

export type DatedTou = z.output<typeof datedTouSchema>;
export type DatedTouInput = z.input<typeof datedTouSchema>;
