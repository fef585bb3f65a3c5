import { z } from 'zod';
import { idPattern, maxIdLength, type CommandEvent } from '../../core/contracts';

/**
 * The shape of a record on the command-acks topic. core/contracts only declares the
 * CommandEvent interface (producers are trusted code); consumers still check it, because a
 * malformed record must be skipped, not written or fanned out.
 */
export const commandEventSchema = z
  .object({
    // Devices answer `unknown` for envelopes they could not read; still a valid id.
    commandId: z.string().min(1).max(maxIdLength).regex(idPattern),
    meterId: z.string().min(1).max(maxIdLength).regex(idPattern),
    state: z.enum(['delivered', 'applied', 'rejected', 'expired']),
    source: z.enum(['bridge', 'device']),
    reason: z.string().max(256).optional(),
    seq: z.number().int().nonnegative().optional(),
    at: z.number().int().nonnegative(),
  })
  .strip();

/** The event, or null when the bytes are not one. */
export function parseCommandEvent(value: Buffer | null): CommandEvent | null {
  const parsed = commandEventSchema.safeParse(parseJson(value));
  return parsed.success ? parsed.data : null;
}

export function parseJson(value: Buffer | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
