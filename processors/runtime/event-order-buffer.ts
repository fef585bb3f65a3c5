/** The part of a per-meter state that holds readings until the watermark settles them. */
export interface EventOrderBuffer<T extends { ts: number }> {
  /** The last settled item. */
  last: { ts: number } | null;
  /** Everything at or before this instant is settled. */
  frontier: number | null;
  /** Held items, sorted by ts, one per instant. */
  pending: T[];
  dropped: { duplicate: number; late: number };
}

/**
 * Holds an item in event-time order until the watermark settles it: an instant already settled
 * is late, an instant held twice keeps the later record (offset order), so modest disorder gives
 * the same result as sorted input and a duplicate never counts twice.
 */
export function holdInEventOrder<T extends { ts: number }>(buffer: EventOrderBuffer<T>, item: T): 'accepted' | 'duplicate' | 'late' {
  if (buffer.last?.ts === item.ts) {
    buffer.dropped.duplicate += 1;
    return 'duplicate';
  }
  if (buffer.frontier !== null && item.ts <= buffer.frontier) {
    buffer.dropped.late += 1;
    return 'late';
  }
  const p = buffer.pending;
  let i = p.length;
  while (i > 0 && p[i - 1]!.ts > item.ts) i--;
  if (i > 0 && p[i - 1]!.ts === item.ts) {
    p[i - 1] = item;
    buffer.dropped.duplicate += 1;
    return 'duplicate';
  }
  p.splice(i, 0, item);
  return 'accepted';
}
