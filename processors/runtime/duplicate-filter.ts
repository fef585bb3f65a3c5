import type { Reading } from '../../core/contracts';

export interface DuplicateFilter {
  /** True when an exact copy of this reading was among the last `window` seen (then it is not remembered again). */
  seen(reading: Reading): boolean;
}

/**
 * Remembers the identities (meter, ts, value, register, source) of a partition's latest
 * readings, so that an exact copy under a new offset is recognised: MQTT redelivery after a
 * bridge crash (Kafka had the message, the PUBACK was lost, the broker delivers it again). A
 * rewrite with other numbers is a new reading, and so is an admin's confirmation of a device's
 * value (same numbers, source manual: acceptMeterRead). Not checkpointed: redeliveries come
 * within seconds.
 */
export function createDuplicateFilter(window: number): DuplicateFilter {
  const recent = new Set<string>();
  // Oldest first, as a ring: evicting through the Set's own iterator (values().next()) walks over
  // the holes deletions leave at its front, which cost more than the processors' work per reading.
  const ring: (string | undefined)[] = new Array<string | undefined>(Math.max(1, window));
  let next = 0;
  return {
    seen(r) {
      const identity = r.source === undefined ? `${r.meterId}|${r.ts}|${r.value}|${r.register}` : `${r.meterId}|${r.ts}|${r.value}|${r.register}|${r.source}`;
      if (recent.has(identity)) return true;
      const evicted = ring[next];
      if (evicted !== undefined) recent.delete(evicted);
      ring[next] = identity;
      next = (next + 1) % ring.length;
      recent.add(identity);
      return false;
    },
  };
}
