/**
 * Which tariff applies to a meter on a given local day: the meter's own schedule, else its
 * sector's, else the default. A schedule is a list of { from: local date, tariffId } entries
 * (or a bare tariff id = from the beginning of time); a change takes effect at local midnight
 * of `from`, so every day of a period has exactly one tariff and a change mid-period splits
 * the period by days.
 */
import { z } from 'zod';
import { billingConfigError, invalidBilling } from './billing-errors';
import { isLocalDate } from '../time/local-days';

const tariffId = z.string().min(1).max(64);
const entrySchema = z
  .object({
    from: z.string().refine(isLocalDate, 'must be a YYYY-MM-DD calendar date'),
    tariffId,
  })
  .strict();
const scheduleSchema = z.union([tariffId, z.array(entrySchema).min(1)]).transform((s) => (typeof s === 'string' ? [{ from: '0000-01-01', tariffId: s }] : [...s].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))));

export const tariffAssignmentSchema = z
  .object({
    /** Tariff of meters with no schedule of their own or of their sector. */
    default: tariffId,
    /** Per-sector schedules, by sector id. @default {} */
    sectors: z.record(scheduleSchema).default({}),
    /** Per-meter schedules, by meter id (override the sector's). @default {} */
    meters: z.record(scheduleSchema).default({}),
  })
  .strict();

export type TariffAssignment = z.output<typeof tariffAssignmentSchema>;
export type TariffAssignmentInput = z.input<typeof tariffAssignmentSchema>;
type Schedule = TariffAssignment['meters'][string];

/** Validates the assignment and that every tariff id it names exists. */
export function parseTariffAssignment(input: unknown, knownTariffIds: ReadonlySet<string>): TariffAssignment {
  const result = tariffAssignmentSchema.safeParse(input);
  if (!result.success) throw billingConfigError('assignment', result.error);
  const a = result.data;
  const check = (field: string, id: string) => {
    if (!knownTariffIds.has(id)) throw invalidBilling(field, `unknown tariff "${id}" (known: ${[...knownTariffIds].join(', ') || 'none'})`);
  };
  check('assignment.default', a.default);
  for (const [kind, map] of [['sectors', a.sectors], ['meters', a.meters]] as const) {
    for (const [key, schedule] of Object.entries(map)) schedule.forEach((e, i) => check(`assignment.${kind}.${key}[${i}].tariffId`, e.tariffId));
  }
  return a;
}

function fromSchedule(schedule: Schedule | undefined, date: string): string | null {
  if (!schedule) return null;
  let found: string | null = null;
  for (const e of schedule) if (e.from <= date) found = e.tariffId;
  return found;
}

/** The tariff id in force on local day `date` for a meter. */
export function tariffIdOn(assignment: TariffAssignment, meterId: string, sector: string | null, date: string): string {
  return (
    fromSchedule(assignment.meters[meterId], date) ??
    (sector === null ? null : fromSchedule(assignment.sectors[sector], date)) ??
    assignment.default
  );
}
