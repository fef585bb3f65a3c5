import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The MQTT payload of a command: the command JSON as sent (`body`), a per-meter sequence
 * number and an HMAC-SHA256 over topic, sequence and body with the meter's command-signing
 * secret. Signing the topic makes a command copied to another meter's topic fail; the
 * sequence lets the device refuse replays; the body carries the expiry.
 */
export interface SignedCommandEnvelope {
  v: 1;
  seq: number;
  body: string;
  sig: string;
}

export function commandSignature(secret: string, topic: string, seq: number, body: string): string {
  return createHmac('sha256', secret).update(`${topic}\n${seq}\n${body}`).digest('base64url');
}

export function signCommand(secret: string, topic: string, seq: number, body: string): SignedCommandEnvelope {
  return { v: 1, seq, body, sig: commandSignature(secret, topic, seq, body) };
}

/** Constant-time check, so the signature cannot be guessed byte by byte from response times. */
export function signatureMatches(secret: string, topic: string, envelope: Pick<SignedCommandEnvelope, 'seq' | 'body' | 'sig'>): boolean {
  const expected = Buffer.from(commandSignature(secret, topic, envelope.seq, envelope.body));
  const given = Buffer.from(envelope.sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
