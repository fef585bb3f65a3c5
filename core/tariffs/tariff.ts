/**
 * Tariffs: a fixed charge, and the energy/volume charge either as inclining block tiers on
 * the whole consumption, as time-of-use periods of a fixed weekday/weekend × month × hour
 * schedule, or as the bands of a dated calendar (dated-tou.ts); each period or band has its own
 * tiers, usually one.
 * Validated once (parseTariff); errors name the field, e.g. `tariff "x": blocks[1].upTo: …`.
 */
import { z } from 'zod';
import { billingConfigError } from './billing-errors';
import { amount, blocksSchema } from './tariff-blocks';
import { datedTouSchema } from './dated-tou';

export { blockSchema, blocksSchema, type TariffBlock } from './tariff-blocks';

/** 12 rows (January…December) of 24 period indices (hour 0…23), as in URDB. */
const scheduleSchema = z.array(z.array(z.number().int().nonnegative()).length(24)).length(12);

export const touSchema = z
  .object({
    periods: z.array(z.object({ name: z.string().min(1).max(32), blocks: blocksSchema }).strict()).min(1),
    /** Monday-Friday. */
    weekdaySchedule: scheduleSchema,
    /** Saturday and Sunday (holidays are not modelled). */
    weekendSchedule: scheduleSchema,
  })
  .strict()
  .superRefine((tou, ctx) => {
    for (const key of ['weekdaySchedule', 'weekendSchedule'] as const) {
      tou[key].forEach((row, m) =>
        row.forEach((period, h) => {
          if (period >= tou.periods.length) ctx.addIssue({ code: 'custom', path: [key, m, h], message: `period ${period} does not exist (there are ${tou.periods.length})` });
        }),
      );
    }
  });

export const tariffSchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/),
    name: z.string().max(200).optional(),
    /** ISO 4217, e.g. BRL, USD. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as BRL or USD'),
    /** Unit the rates are per (m3, kWh…); consumption is converted to it from the register unit. */
    unit: z.string().min(1).max(16),
    /** Per billing period, prorated by billable days / period days. @default 0 */
    fixedCharge: amount().default(0),
    /**
     * Block sizes (upTo) and flat block amounts are stated for this many days and scale with
     * the days billed under the tariff (SABESP: per 30 days). null = stated per billing
     * period (scale by billable days / period days; URDB's monthly tiers). @default 30
     */
    tierReferenceDays: z.number().finite().positive().nullable().default(30),
    blocks: blocksSchema.optional(),
    tou: touSchema.optional(),
    /** Bands priced by a calendar of dated changes (dated-tou.ts). */
    datedTou: datedTouSchema.optional(),
  })
  .strict()
  .refine((t) => [t.blocks, t.tou, t.datedTou].filter((c) => c !== undefined).length === 1, { message: 'give either blocks or tou or datedTou: exactly one of them', path: ['blocks'] });

export type TouSchedule = z.output<typeof touSchema>;
export type { DatedTou } from './dated-tou';
export type Tariff = z.output<typeof tariffSchema>;
export type TariffInput = z.input<typeof tariffSchema>;

/** Validates a tariff; throws MeterflowError BILLING_CONFIG_INVALID naming each bad field. */
export function parseTariff(input: unknown, label = 'tariff'): Tariff {
  const result = tariffSchema.safeParse(input);
  if (!result.success) {
    const id = typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? ` "${(input as { id: string }).id}"` : '';
    throw billingConfigError(`${label}${id}`, result.error);
  }
  return result.data;
}
