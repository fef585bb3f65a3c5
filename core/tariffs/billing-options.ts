/**
 * Options of the billing engine and of each meter, as schemas with defaults, validated once
 * (createBillingEngine, createMeterState); every error names the field.
 */
import { z } from 'zod';
import { idPattern, maxIdLength } from '../contracts/wire-fields';
import { checkTimeZone } from '../time/local-time';
import { billingConfigError, invalidBilling } from './billing-errors';
import { parseTariff, type Tariff } from './tariff';
import { parseTariffAssignment, type TariffAssignment } from './tariff-assignment';
import { knownUnits } from '../units/units';

/** Highest plausible register value by default (maxRegister): the API refuses larger reads up front. */
export const defaultMaxRegister = 1e12;

const hour = 3_600_000;
const day = 24 * hour;

const validZone = (zone: string) => {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
};

export const billingOptionsSchema = z
  .object({
    /** Every tariff the assignment may name (see tariff.ts; URDB tariffs via importUrdbTariff). */
    tariffs: z.array(z.unknown()).min(1),
    /** Default, per-sector and per-meter tariff schedules (tariff-assignment.ts). */
    assignment: z.unknown(),
    /** How long after a period ends readings are still awaited before the final bill. @default 3 days */
    graceMs: z.number().int().nonnegative().default(3 * day),
    /** Days from the close date (or an adjustment's issue date) to the due date. @default 10 */
    dueDays: z.number().int().nonnegative().max(365).default(10),
    /** A stretch without readings longer than this is reported as a gap. @default 6 h */
    maxGapMs: z.number().int().positive().default(6 * hour),
    /**
     * Consumption over a gap longer than this that began in an earlier period is billed in the
     * period of the reading that ends it (docs/billing.md, "Gaps"); shorter gaps are spread
     * evenly over their span (a month-long read interval is prorated; a meter silent for longer
     * than a month gets its next periods' bills marked no-read, and the consumption when it
     * reports again). @default 31 days
     */
    carryGapMs: z.number().int().positive().default(31 * day),
    /** A decrease is a wrap only if the forward distance is at most this fraction of the modulus. @default 0.5 */
    maxWrapFraction: z.number().gt(0).lte(1).default(0.5),
    /**
     * A provisional bill carries a projection to the period's end (its consumption so far scaled
     * to the whole billable span, priced with the tariff) once its readings cover at least this
     * long, or half the span when the span is shorter: a projection from a day or two of readings
     * would swing with the weather. @default 7 days
     */
    projectionMinMs: z.number().int().positive().max(366 * day).default(7 * day),
    /** Closed periods kept for adjustments; readings older than the oldest are refused. @default 3 */
    retainClosedPeriods: z.number().int().min(1).max(120).default(3),
    /**
     * Highest plausible register value, in the meter's register unit. A reading above it (or
     * negative, or not finite) is refused and flagged, never billed: 12 digits is more than any
     * mechanical or electronic register shows, and keeps every derived amount far inside the
     * safe-integer range of the LONG cents columns. @default 1e12
     */
    maxRegister: z.number().positive().max(1e15).default(defaultMaxRegister),
    /**
     * Highest plausible invoice total, in cents (either sign, adjustments included). An invoice
     * beyond it is not written; an alert says why. @default 1e10 (100 million currency units for
     * one meter in one period)
     */
    maxInvoiceCents: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(1e10),
    /**
     * Default physical maximum flow of a meter, per dimension of its register unit: an increase
     * beyond it over the elapsed time (at least an hour) is held for review, not billed. A meter
     * profile's maxFlowPerHour overrides it. @default 10 m³/h (a DN25 water meter's overload
     * flow; a household's DN15 is 3.125) and 100 kWh/h (100 kW: above any household supply)
     */
    maxFlow: z
      .object({
        /** m³ per hour. */
        volume: z.number().positive().default(10),
        /** kWh per hour. */
        energy: z.number().positive().default(100),
      })
      .strict()
      .default({}),
  })
  .strict();

export type BillingOptionsInput = z.input<typeof billingOptionsSchema>;

export interface BillingOptions {
  tariffs: ReadonlyMap<string, Tariff>;
  assignment: TariffAssignment;
  graceMs: number;
  dueDays: number;
  maxGapMs: number;
  carryGapMs: number;
  projectionMinMs: number;
  maxWrapFraction: number;
  retainClosedPeriods: number;
  maxRegister: number;
  maxInvoiceCents: number;
  maxFlow: { volume: number; energy: number };
}

export function parseBillingOptions(input: unknown): BillingOptions {
  const result = billingOptionsSchema.safeParse(input);
  if (!result.success) throw billingConfigError('billing', result.error);
  const o = result.data;
  const tariffs = new Map<string, Tariff>();
  o.tariffs.forEach((t, i) => {
    const tariff = parseTariff(t, `tariffs[${i}]`);
    if (tariffs.has(tariff.id)) throw invalidBilling(`tariffs[${i}].id`, `"${tariff.id}" is used twice`);
    tariffs.set(tariff.id, tariff);
  });
  const assignment = parseTariffAssignment(o.assignment, new Set(tariffs.keys()));
  return Object.freeze({ ...o, tariffs, assignment });
}

/** Largest register multiplier (a 50,000:5 current transformer is 10,000). */
export const maxRegisterMultiplier = 1_000_000;

/** Owner changes a meter's profile keeps (a tenant a month for 80 years). */
export const maxOwnerChanges = 1000;

export const meterProfileSchema = z
  .object({
    meterId: z.string().min(1).max(maxIdLength).regex(idPattern),
    /** Sector for per-sector tariffs; null = taken from the first reading that names one. @default null */
    sector: z.string().min(1).max(maxIdLength).nullable().default(null),
    /** IANA zone of the meter; billing periods and TOU hours are local to it. */
    zone: z.string().refine(validZone, (zone) => ({ message: `"${zone}" is not an IANA time zone (e.g. America/Sao_Paulo)` })),
    /** Local day of the month each period starts on, 1-28. @default 1 */
    cycleDay: z.number().int().min(1).max(28).default(1),
    /** Unit the register is kept in (readings in another convertible unit are converted). */
    registerUnit: z.string().refine((u) => knownUnits().includes(u), (u) => ({ message: `"${u}" is not a known register unit (${knownUnits().join(', ')})` })),
    /** Register modulus (e.g. 1000000 for a 6-digit litre register); null = never wraps. @default null */
    registerModulus: z.number().finite().positive().nullable().default(null),
    /**
     * Consumption per register unit of advance (a current-transformer ratio, a pulse weight) of
     * the first register; a replacement may set another from its instant on. @default 1
     */
    registerMultiplier: z.number().finite().positive().max(maxRegisterMultiplier).default(1),
    /**
     * Physical maximum flow in register units per hour (a larger increase over the elapsed time
     * is a jump, held for review); null = never held; absent = the engine's maxFlow for the unit.
     */
    maxFlowPerHour: z.number().finite().positive().nullable().optional(),
    /** Start of service (move-in), epoch ms; periods are prorated from its local day. @default null */
    serviceStart: z.number().int().nullable().default(null),
    /** End of service (move-out), epoch ms, exclusive. @default null */
    serviceEnd: z.number().int().nullable().default(null),
    /** The customer billed before the first owner change (the registry's customer); null = none named. @default null */
    customerId: z.string().min(1).max(maxIdLength).regex(idPattern).nullable().default(null),
    /**
     * Customers moving in (changeMeterOwner), by local date, oldest first: a period in which the
     * owner changes is billed as one invoice per owner, each for its own days. null customerId =
     * vacant. @default []
     */
    ownerChanges: z
      .array(z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), customerId: z.string().min(1).max(maxIdLength).regex(idPattern).nullable() }).strict())
      .max(maxOwnerChanges)
      .default([])
      .refine((list) => list.every((c, i) => i === 0 || c.from > list[i - 1]!.from), { message: 'must be sorted by date, one change a day' }),
  })
  .strict()
  .refine((p) => p.serviceStart === null || p.serviceEnd === null || p.serviceEnd > p.serviceStart, { message: 'must be after serviceStart', path: ['serviceEnd'] });

export type MeterProfile = z.output<typeof meterProfileSchema>;
export type MeterProfileInput = z.input<typeof meterProfileSchema>;

export function parseMeterProfile(input: unknown): MeterProfile {
  const result = meterProfileSchema.safeParse(input);
  if (!result.success) throw billingConfigError('meter', result.error);
  return result.data;
}
