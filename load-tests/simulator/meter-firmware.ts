import { commandSchema, parseEventTime, type Command, type CommandRejectionReason, type DeviceAck } from '../../core/contracts';
import { signatureMatches } from '../../core/security/command-signing';

/** What a meter does with one message on its command topic: the ack to send, and what it applied. */
export interface FirmwareOutcome {
  ack: DeviceAck;
  applied: Command | null;
}

export interface MeterFirmwareState {
  blocked: boolean;
  reportingIntervalS: number | null;
  /** Highest sequence number accepted; anything at or below it is a replay. */
  lastSeq: number;
  readingsRequested: number;
}

export interface MeterFirmware {
  readonly meterId: string;
  readonly state: Readonly<MeterFirmwareState>;
  receive(topic: string, payload: Buffer, now?: number): FirmwareOutcome;
}

/**
 * The device side of the command contract, as a real meter's firmware would implement it
 * (docs/contracts.md § Commands). Checks, in order: envelope shape, addressee, signature,
 * sequence (replay; the seq is time-based, set at issue, see commandSeqOf), expiry, type and parameters. A redelivery of the command it last
 * answered (same id and sequence, e.g. after a bridge restart) gets the same answer again
 * instead of being applied twice or refused as a replay.
 */
export function createMeterFirmware(options: { meterId: string; commandTopic: string; signingSecret: string }): MeterFirmware {
  const state: MeterFirmwareState = { blocked: false, reportingIntervalS: null, lastSeq: -1, readingsRequested: 0 };
  let lastAnswer: { commandId: string; seq: number; ack: DeviceAck } | null = null;

  const reject = (commandId: string, reason: CommandRejectionReason, seq?: number, now = Date.now()): FirmwareOutcome => ({
    ack: { commandId, status: 'rejected', reason, ...(seq !== undefined ? { seq } : {}), at: now },
    applied: null,
  });

  return {
    meterId: options.meterId,
    state,
    receive(topic, payload, now = Date.now()) {
      let envelope: { v?: unknown; seq?: unknown; body?: unknown; sig?: unknown };
      try {
        envelope = JSON.parse(payload.toString('utf8')) as typeof envelope;
      } catch {
        return reject('unknown', 'malformed', undefined, now);
      }
      if (envelope === null || typeof envelope !== 'object' || envelope.v !== 1 || !Number.isSafeInteger(envelope.seq) || typeof envelope.body !== 'string' || typeof envelope.sig !== 'string') {
        return reject('unknown', 'malformed', undefined, now);
      }
      const seq = envelope.seq as number;
      let parsed: ReturnType<typeof commandSchema.safeParse>;
      try {
        parsed = commandSchema.safeParse(JSON.parse(envelope.body));
      } catch {
        return reject('unknown', 'malformed', seq, now);
      }
      if (!parsed.success) return reject('unknown', 'malformed', seq, now);
      const command = parsed.data;
      if (command.meterId !== options.meterId || topic !== options.commandTopic) return reject(command.commandId, 'misaddressed', seq, now);
      if (!signatureMatches(options.signingSecret, topic, { seq, body: envelope.body, sig: envelope.sig })) return reject(command.commandId, 'bad-signature', seq, now);
      // The seq assigned at issue time travels in the signed body too: an envelope that disagrees
      // with it was not made by the relay.
      if (command.seq !== undefined && command.seq !== seq) return reject(command.commandId, 'malformed', seq, now);
      if (lastAnswer && lastAnswer.commandId === command.commandId && lastAnswer.seq === seq) return { ack: lastAnswer.ack, applied: null };
      if (seq <= state.lastSeq) return reject(command.commandId, 'replayed', seq, now);
      // Authentic and new: from here on this sequence number is spent, whatever the outcome.
      state.lastSeq = seq;
      const answer = (outcome: FirmwareOutcome): FirmwareOutcome => {
        lastAnswer = { commandId: command.commandId, seq, ack: outcome.ack };
        return outcome;
      };
      if (now > parseEventTime(command.expiresAt)!) return answer(reject(command.commandId, 'expired', seq, now));
      switch (command.type) {
        case 'block':
          state.blocked = true;
          break;
        case 'unblock':
          state.blocked = false;
          break;
        case 'request-reading':
          state.readingsRequested += 1;
          break;
        case 'set-reporting-interval': {
          const intervalS = command.params?.intervalS;
          if (typeof intervalS !== 'number' || !Number.isInteger(intervalS) || intervalS < 1 || intervalS > 86_400) {
            return answer(reject(command.commandId, 'invalid-params', seq, now));
          }
          state.reportingIntervalS = intervalS;
          break;
        }
        default:
          return answer(reject(command.commandId, 'unknown-type', seq, now));
      }
      return answer({ ack: { commandId: command.commandId, status: 'applied', seq, at: now }, applied: command });
    },
  };
}
