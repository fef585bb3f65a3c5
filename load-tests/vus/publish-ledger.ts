/**
 * What the run's ingest VUs got acknowledged, for the count check (total valid readings, event
 * time range, meters) and for per-second accounting (ingest-ramp's maximum sustainable rate).
 * Bad messages never enter it.
 */
export interface PublishLedger {
  /** Records an acknowledged message of `readings` valid readings at event time `ts`. */
  acked(meterIds: readonly string[], ts: number, readings: number, publishedAt: number): void;
  /** Records a failed publish (error or PUBACK timeout) sent at `publishedAt`. */
  failed(publishedAt: number): void;
  readonly published: number;
  readonly minTs: number;
  readonly maxTs: number;
  meterIds(): string[];
  /** Acknowledged readings and failed publishes per wall-clock second (epoch s) of sending. */
  perSecond(): Map<number, { acked: number; failed: number }>;
}

export function createPublishLedger(): PublishLedger {
  let published = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  const meters = new Set<string>();
  const seconds = new Map<number, { acked: number; failed: number }>();
  const bucket = (at: number) => {
    const s = Math.floor(at / 1000);
    let b = seconds.get(s);
    if (!b) seconds.set(s, (b = { acked: 0, failed: 0 }));
    return b;
  };
  return {
    acked(meterIds, ts, readings, publishedAt) {
      published += readings;
      if (ts < minTs) minTs = ts;
      if (ts > maxTs) maxTs = ts;
      for (const id of meterIds) meters.add(id);
      bucket(publishedAt).acked += readings;
    },
    failed(publishedAt) {
      bucket(publishedAt).failed += 1;
    },
    get published() {
      return published;
    },
    get minTs() {
      return minTs;
    },
    get maxTs() {
      return maxTs;
    },
    meterIds: () => [...meters],
    perSecond: () => seconds,
  };
}
