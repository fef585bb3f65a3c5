import type { RejectionReason } from './rejection';

/** What the dead-letter topic carries for every refused device message (or batch item). */
export interface DeadLetter {
  reason: RejectionReason;
  detail: string;
  mqttTopic: string;
  /** Epoch ms when the bridge received the message. */
  receivedAt: number;
  /** The original bytes, base64, so nothing is lost and the message can be replayed (cut at deadLetterPayloadLimit). */
  payloadBase64: string;
  /** Size of the original payload, even when the stored copy is cut. */
  payloadBytes: number;
  /** True when the payload was longer than deadLetterPayloadLimit and only its start is kept. */
  payloadTruncated: boolean;
  /** Position in a gateway batch when a single item was refused. */
  index?: number;
  /** The bridge instance that refused it. */
  bridgeId: string;
}

/**
 * Largest part of a refused payload a dead letter keeps. Kafka refuses records above ~1 MB
 * (max.message.bytes), and an oversize payload is exactly what gets refused: keeping all of
 * it would make the dead letter itself unsendable and block the producer behind it.
 */
export const deadLetterPayloadLimit = 256 * 1024;

export function createDeadLetter(input: Omit<DeadLetter, 'payloadBase64' | 'payloadBytes' | 'payloadTruncated'> & { payload: Buffer }): DeadLetter {
  const { payload, ...rest } = input;
  const kept = payload.length > deadLetterPayloadLimit ? payload.subarray(0, deadLetterPayloadLimit) : payload;
  return { ...rest, payloadBase64: kept.toString('base64'), payloadBytes: payload.length, payloadTruncated: kept !== payload };
}
