import { createHash } from 'node:crypto';
import { z } from 'zod';
import { idPattern, maxIdLength, printableText } from './wire-fields';
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
    /**
     * The replay counter the meter checks (it refuses a seq at or below the last it accepted),
     * assigned once at issue time (see commandSeqOf) and carried in the record, so a redelivery
     * keeps it and recreating, repartitioning or re-prefixing the topic cannot send it back.
     */
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict()
  .refine((c) => parseEventTime(c.expiresAt)! > parseEventTime(c.issuedAt)!, { message: 'must be after issuedAt', path: ['expiresAt'] })
  // A seq beyond the command's own expiry would spend the meter's counter into the future, and
  // every genuine command after it would be refused as a replay until the clock caught up.
  .refine((c) => c.seq === undefined || c.seq < (parseEventTime(c.expiresAt)! + 1) * seqPerMs, { message: 'must be below expiresAt in epoch ms × 1000', path: ['seq'] });

export type Command = z.infer<typeof commandSchema>;

/** Sequence numbers per millisecond: seq = epoch ms × seqPerMs + a sub-millisecond part (safe integers until the year 2255). */
export const seqPerMs = 1000;

/**
 * The seq a command is signed with: the one assigned at issue time, or, for a record without one
 * (written before seq existed, or by a tool), one derived from the record itself: issuedAt in
 * ms × 1000 plus a hash of the id. Either way it is a function of the record, so a redelivery
 * carries the same number and the device recognises the command it answered; and it follows
 * issue time, not the Kafka offset, so a new topic (recreated, repartitioned, re-prefixed) does
 * not start it again from 0. Limit of the derived form: two seq-less commands for one meter
 * issued in the same millisecond are ordered by their ids' hash, not by issue order (the API
 * always sets seq; this is for other producers).
 */
export function commandSeqOf(command: Pick<Command, 'seq' | 'issuedAt' | 'commandId'>): number {
  if (command.seq !== undefined) return command.seq;
  const subMs = createHash('sha256').update(command.commandId).digest().readUInt16BE(0) % seqPerMs;
  return parseEventTime(command.issuedAt)! * seqPerMs + subMs;
}

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
    reason: z.string().max(64).regex(printableText, 'must not contain control characters').optional(),
    /** The sequence number of the command answered, when the device could read it. */
    // .safe(): the seq lands in a QuestDB LONG; zod's .int() alone accepts 1e21.
    seq: z.number().int().safe().nonnegative().optional(),
    at: z.union([z.string().max(40), z.number().int().safe()]).optional(),
  })
  .strict();
export type DeviceAck = z.infer<typeof deviceAckSchema>;

// A command's later states are the command-events stream's record, defined once with its codec.
export type { CommandEvent, CommandState } from '../streams/command-events';

/** Seconds left before `expiresAt` (MQTT v5 message expiry for a meter that is offline). */
export function secondsUntilExpiry(command: Pick<Command, 'expiresAt'>, now: number): number {
  return Math.ceil((parseEventTime(command.expiresAt)! - now) / 1000);
}
