/** One plateau of a ramp: the target rate held from `fromMs` to `toMs` (ms since the ramp started). */
export interface RampPlateau {
  rate: number;
  fromMs: number;
  toMs: number;
}

export interface PlateauVerdict {
  rate: number;
  /** Acknowledged readings per second over the plateau (its first `settleMs` left out). */
  achieved: number;
  probes: number;
  p50Ms: number | null;
  p99Ms: number | null;
  lostProbes: number;
  failedPublishes: number;
  sustainable: boolean;
  /** Why not, when not. */
  reason: string | null;
}

export interface SustainableRateInput {
  plateaus: readonly RampPlateau[];
  /** Wall-clock ms at which the ramp started. */
  startedAt: number;
  /** Wall-clock ms at which it stopped (an abort cuts the last plateau short). @default every plateau ran to its end */
  endedAt?: number;
  /** Acknowledged readings and failed publishes per epoch second of sending (publish-ledger). */
  perSecond: ReadonlyMap<number, { acked: number; failed: number }>;
  /** Stored-probe outcomes by publish time (null latency = lost). */
  probes: readonly { publishedAt: number; latencyMs: number | null }[];
  /** @default 500 */
  p99LimitMs?: number;
  /** Achieved rate below this share of the target means iterations were dropped or PUBACKs lagged. @default 0.95 */
  minAchievedShare?: number;
  /** Left out at the start of each plateau (the step itself). @default 2000 */
  settleMs?: number;
}

/**
 * ingest-ramp's finding, from the scenario's own per-second accounting: a plateau is sustainable
 * when, over it, the acknowledged rate reached the target (≥ 95 %: nothing dropped), no publish
 * failed, no probe was lost and the p99 of publish → queryable was ≤ 500 ms. The maximum
 * sustainable rate is the highest plateau of the unbroken run of sustainable ones from the
 * bottom (a later lucky plateau after a broken one does not count). 0 when the first breaks.
 */
export function sustainableRate(input: SustainableRateInput): { maxSustainable: number; maxKeepingUp: number; verdicts: PlateauVerdict[] } {
  const limit = input.p99LimitMs ?? 500;
  const minShare = input.minAchievedShare ?? 0.95;
  const settle = input.settleMs ?? 2000;
  const verdicts: PlateauVerdict[] = [];
  let maxSustainable = 0;
  let broken = false;
  /** The same without the latency bound: the highest rate the pipeline still took in full. */
  let maxKeepingUp = 0;
  let fellBehind = false;
  // Without probes (a broker alone: MF_LOAD_PROBE_INTERVAL_MS=0) a plateau is judged on its acknowledged rate only.
  const judgeLatency = input.probes.length > 0;
  for (const plateau of input.plateaus) {
    const from = input.startedAt + Math.min(plateau.fromMs + settle, plateau.toMs - 1000);
    // A plateau the run stopped during is judged on what ran of it; less than 3 s is "not reached".
    const to = Math.min(input.startedAt + plateau.toMs, input.endedAt ?? Infinity);
    let acked = 0;
    let failed = 0;
    let seconds = 0;
    for (let s = Math.ceil(from / 1000); s < Math.floor(to / 1000) && to - from >= 3000; s += 1) {
      const b = input.perSecond.get(s);
      acked += b?.acked ?? 0;
      failed += b?.failed ?? 0;
      seconds += 1;
    }
    const inside = input.probes.filter((p) => p.publishedAt >= from && p.publishedAt < to);
    const latencies = inside.flatMap((p) => (p.latencyMs === null ? [] : [p.latencyMs])).sort((a, b) => a - b);
    const lostProbes = inside.length - latencies.length;
    // Exact order statistics of this plateau's probes (a few hundred to a few thousand).
    const quantile = (q: number) => (latencies.length > 0 ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * q) - 1)]! : null);
    const p50 = quantile(0.5);
    const p99 = quantile(0.99);
    const achieved = seconds > 0 ? acked / seconds : 0;
    const reason =
      seconds === 0 ? 'plateau not reached (the ramp stopped before it)'
      : achieved < plateau.rate * minShare ? `achieved ${Math.round(achieved)}/s < ${Math.round(minShare * 100)} % of ${plateau.rate}/s (dropped iterations or PUBACKs lagging)`
      : failed > 0 ? `${failed} publishes failed`
      : lostProbes > 0 ? `${lostProbes} probes never stored`
      : judgeLatency && p99 === null ? 'no probe measured'
      : p99 !== null && p99 > limit ? `p99 e2e ${p99} ms > ${limit} ms`
      : null;
    const sustainable = reason === null;
    const keptUp = sustainable || reason.startsWith('p99 e2e');
    if (keptUp && !fellBehind) maxKeepingUp = plateau.rate;
    if (!keptUp) fellBehind = true;
    if (sustainable && !broken) maxSustainable = plateau.rate;
    if (!sustainable) broken = true;
    verdicts.push({ rate: plateau.rate, achieved: Math.round(achieved), probes: inside.length, p50Ms: p50, p99Ms: p99, lostProbes, failedPublishes: failed, sustainable, reason });
  }
  return { maxSustainable, maxKeepingUp, verdicts };
}
