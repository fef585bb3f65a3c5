import type { CommandEvent } from '../../core/contracts';
import type { CommandRecord } from './command-record';
import type { CommandStateName, CommandStep, CommandView } from './command-service';

/** A state change as the API keeps it (from Kafka or the command_events table). */
export type CommandEventLike = Pick<CommandEvent, 'state' | 'source' | 'at'> & { reason?: string | null };

/** Why a command that never got a final answer is reported EXPIRED by the API itself. */
export const notDeliveredReason = 'not delivered before expiry';
export const noAnswerReason = 'no answer from the meter before expiry';

const stateName: Record<CommandEvent['state'], CommandStateName> = { delivered: 'DELIVERED', applied: 'APPLIED', rejected: 'REJECTED', expired: 'EXPIRED' };
const finalStates: ReadonlySet<CommandStateName> = new Set(['APPLIED', 'REJECTED', 'EXPIRED']);

export function isFinal(state: CommandStateName): boolean {
  return finalStates.has(state);
}

/**
 * A command's history and state from its events. Steps are ordered by stage (DELIVERED before
 * any answer: the bridge stamps delivery after the broker's PUBACK, which can come after the
 * device's answer) and then by time; a state seen twice (a redelivery) counts once, at its
 * first time. The first final answer decides. No final answer and past expiresAt + grace: the
 * bridge reports nothing for a meter that never comes back (the broker drops the message at
 * expiry), so the API derives EXPIRED itself. The grace leaves time for an answer in flight.
 */
export function deriveCommandView(record: CommandRecord, events: readonly CommandEventLike[], now: number, expiryGraceMs: number): CommandView {
  const first = new Map<CommandStateName, CommandEventLike>();
  for (const event of events) {
    const state = stateName[event.state];
    const seen = first.get(state);
    if (!seen || event.at < seen.at) first.set(state, event);
  }
  const delivered = first.get('DELIVERED');
  const finals = [...first.entries()].filter(([state]) => isFinal(state)).sort((a, b) => a[1].at - b[1].at);
  const step = (state: CommandStateName, event: CommandEventLike): CommandStep => ({ state, at: new Date(event.at), source: event.source, reason: event.reason ?? null });
  const history: CommandStep[] = [{ state: 'PENDING', at: new Date(record.issuedAt), source: 'api', reason: null }];
  if (delivered) history.push(step('DELIVERED', delivered));
  const final = finals[0];
  if (final) {
    history.push(step(final[0], final[1]));
  } else if (now > record.expiresAt + expiryGraceMs) {
    history.push({ state: 'EXPIRED', at: new Date(record.expiresAt), source: 'api', reason: delivered ? noAnswerReason : notDeliveredReason });
  }
  const last = history[history.length - 1]!;
  return {
    commandId: record.commandId,
    meterId: record.meterId,
    type: record.type,
    reason: record.reason,
    note: record.note,
    issuedBy: record.issuedBy,
    issuedAt: new Date(record.issuedAt),
    expiresAt: new Date(record.expiresAt),
    state: last.state,
    stateReason: last.state === 'REJECTED' || last.state === 'EXPIRED' ? last.reason : null,
    history,
  };
}
