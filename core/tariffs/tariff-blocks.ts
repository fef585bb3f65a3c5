/**
 * Inclining blocks: the shape every energy or volume charge is priced in (a whole tariff's
 * consumption, a TOU period's, a dated band's). Its own file so that each form of tariff can
 * use it without importing the others.
 */
import { z } from 'zod';

export const amount = () => z.number().finite().nonnegative();

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

export type TariffBlock = z.output<typeof blockSchema>;
