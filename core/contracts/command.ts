import { z } from 'zod';
import { idPattern, maxIdLength } from './reading';
import { parseEventTime } from './timestamp';

/**
 * Commands travel platform → Kafka (commands topic, key meter id) → bridge → MQTT
 * `meters/{id}/commands`, signed per meter. Their state is followed on the command-events
 * (command-acks) topic: pending (on the commands topic) → delivered (the broker took it for
 * the meter) → applied | rejected (the device's answer) | expired.
 */
export const commandTypes = ['block', 'unblock', 'set-reporting-interval', 'request-reading'] as const;
export type CommandType = (typeof commandTypes)[number];

const idSchema = z.string().min(1).max(maxIdLength).regex(idPattern);
const instant = z
  .string()
  .max(40)
  .refine((s) => parseEventTime(s) !== null, 'must be ISO 8601 with a zone');

export const commandSchema = z
  .object({
    commandId: idSchema,
    meterId: idSchema,
    type: z.enum(commandTypes),
    /** set-reporting-interval: { intervalS }; the others take none. */
    params: z.record(z.string().max(32), z.union([z.string().max(512), z.number().finite(), z.boolean()])).optional(),
    issuedAt: instant,
    expiresAt: instant,
    issuedBy: z.string().max(64).optional(),
  })
  .strict()
  .refine((c) => parseEventTime(c.expiresAt)! > parseEventTime(c.issuedAt)!, { message: 'must be after issuedAt', path: ['expiresAt'] });

export type Command = z.infer<typeof commandSchema>;

/** Why a device refused a command (it says so in its ack), or why the bridge did not deliver it. */
export const commandRejectionReasons = {
  malformed: 'The message is not a signed command envelope',
  'bad-signature': 'The HMAC does not match: tampered, or signed for another meter',
  misaddressed: 'The command names another meter than the one it reached',
  replayed: 'The sequence number is not above the last one the meter accepted',
  expired: 'The command arrived after its expiry',
  'unknown-type': 'The device does not implement this command type',
  'invalid-params': 'The parameters are missing or out of range',
} as const;
export type CommandRejectionReason = keyof typeof commandRejectionReasons;

/** A device's answer on `meters/{id}/acks`. */
export const deviceAckSchema = z
  .object({
    commandId: idSchema,
    status: z.enum(['applied', 'rejected']),
    reason: z.string().max(64).optional(),
    /** The sequence number of the command answered, when the device could read it. */
    seq: z.number().int().nonnegative().optional(),
    at: z.union([z.string().max(40), z.number().int()]).optional(),
  })
  .strict();
export type DeviceAck = z.infer<typeof deviceAckSchema>;

export type CommandState = 'delivered' | 'applied' | 'rejected' | 'expired';

/** One step of a command's life, on the command-events topic (key meter id). */
export interface CommandEvent {
  commandId: string;
  meterId: string;
  state: CommandState;
  /** Who observed it: the bridge (delivered, expired before delivery) or the device (applied, rejected). */
  source: 'bridge' | 'device';
  reason?: string;
  seq?: number;
  /** Epoch ms. */
  at: number;
}

/** Seconds left before `expiresAt` (MQTT v5 message expiry for a meter that is offline). */
export function secondsUntilExpiry(command: Pick<Command, 'expiresAt'>, now: number): number {
  return Math.ceil((parseEventTime(command.expiresAt)! - now) / 1000);
}
