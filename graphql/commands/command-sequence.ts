import { seqPerMs } from '../../core/contracts';

/**
 * Issues command sequence numbers (core/contracts/command.ts, `seq`): epoch ms × 1000 plus a
 * random sub-millisecond part, and always above the last one this process issued. Time-based so
 * that it never goes back across restarts, replicas or Kafka topics; the random part makes two
 * replicas issuing in the same millisecond unlikely (1 in 1000) to pick the same number, in which
 * case the meter refuses the second as replayed — visible, never silent. Replicas' clocks must
 * agree to well under the time between two commands to one meter (NTP does).
 */
export interface CommandSequence {
  next(): number;
}

export function createCommandSequence(now: () => number = Date.now, random: () => number = Math.random): CommandSequence {
  let last = 0;
  return {
    next() {
      last = Math.max(last + 1, now() * seqPerMs + Math.floor(random() * seqPerMs));
      return last;
    },
  };
}
