/**
 * Tariffs: a fixed charge, and the energy/volume charge either as inclining block tiers on
 * the whole consumption or as time-of-use periods (each with its own tiers, usually one).
 * Validated once (parseTariff); errors name the field, e.g. `tariff "x": blocks[1].upTo: …`.
 */
import { z } from 'zod';
import { billingConfigError } from './billing-errors';

const amount = () => z.number().finite().nonnegative();

/**
 * One block of an inclining block tariff. Block i covers consumption above the previous
 * block's `upTo` up to its own; the last block has `upTo: null` (no upper bound).
 * Either a `rate` per unit, or a `flatAmount` for the whole block (SABESP's 0-10 m³ R$24,15:
 * a minimum charge, billed even at zero use when it is the first block; a later flat block is
 * billed as soon as consumption enters it).
 */
export const blockSchema = z
  .object({
    upTo: z.number().finite().positive().nullable(),
    rate: amount().optional(),
    flatAmount: amount().optional(),
  })
  .strict()
  .refine((b) => (b.rate === undefined) !== (b.flatAmount === undefined), { message: 'give either rate or flatAmount, not both or neither' });

export const blocksSchema = z
  .array(blockSchema)
  .min(1)
  .superRefine((blocks, ctx) => {
    blocks.forEach((b, i) => {
      const last = i === blocks.length - 1;
      if (last && b.upTo !== null) ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'the last block must have upTo: null (no upper bound)' });
      if (!last && b.upTo === null) ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'only the last block may have upTo: null' });
      const prev = blocks[i - 1];
      if (prev && prev.upTo !== null && b.upTo !== null && b.upTo <= prev.upTo) {
        ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: `must be greater than the previous block's upTo (${prev.upTo})` });
      }
    });
  });

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
  })
  .strict()
  .refine((t) => (t.blocks === undefined) !== (t.tou === undefined), { message: 'give either blocks or tou, not both or neither', path: ['blocks'] });

export type TariffBlock = z.output<typeof blockSchema>;
export type TouSchedule = z.output<typeof touSchema>;
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
