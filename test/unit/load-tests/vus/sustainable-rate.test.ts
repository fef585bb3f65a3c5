import { sustainableRate, type RampPlateau } from '../../../../load-tests/vus/sustainable-rate';

const startedAt = 1_000_000_000; // a whole second
const plateaus: RampPlateau[] = [
  { rate: 100, fromMs: 0, toMs: 10_000 },
  { rate: 200, fromMs: 10_000, toMs: 20_000 },
  { rate: 300, fromMs: 20_000, toMs: 30_000 },
  { rate: 400, fromMs: 30_000, toMs: 40_000 },
];

function perSecond(rateAt: (s: number) => number, failedAt: (s: number) => number = () => 0) {
  const map = new Map<number, { acked: number; failed: number }>();
  for (let s = 0; s < 40; s += 1) map.set(startedAt / 1000 + s, { acked: rateAt(s), failed: failedAt(s) });
  return map;
}
const targetRate = (s: number) => 100 * (Math.floor(s / 10) + 1);
const probesAt = (latency: (s: number) => number | null) => Array.from({ length: 40 }, (_, s) => ({ publishedAt: startedAt + s * 1000 + 500, latencyMs: latency(s) }));

describe('maximum sustainable rate', () => {
  it('is the highest plateau before the first whose p99 passes the limit', () => {
    const { maxSustainable, verdicts } = sustainableRate({ plateaus, startedAt, perSecond: perSecond(targetRate), probes: probesAt((s) => (s < 20 ? 100 : 900)) });
    expect(maxSustainable).toBe(200);
    // Latency aside, every plateau was taken in full.
    expect(sustainableRate({ plateaus, startedAt, perSecond: perSecond(targetRate), probes: probesAt((s) => (s < 20 ? 100 : 900)) }).maxKeepingUp).toBe(400);
    expect(verdicts.map((v) => v.sustainable)).toEqual([true, true, false, false]);
    expect(verdicts[2]!.reason).toBe('p99 e2e 900 ms > 500 ms');
    expect(verdicts[0]).toMatchObject({ achieved: 100, probes: 8, p50Ms: 100, p99Ms: 100 });
  });

  it('a plateau whose acknowledged rate falls behind the target (dropped iterations) breaks it', () => {
    const { maxSustainable, maxKeepingUp, verdicts } = sustainableRate({ plateaus, startedAt, perSecond: perSecond((s) => Math.min(targetRate(s), 250)), probes: probesAt(() => 50) });
    expect(maxSustainable).toBe(200);
    expect(maxKeepingUp).toBe(200);
    expect(verdicts[2]!.reason).toMatch(/achieved 250\/s < 95 % of 300\/s/);
  });

  it('lost probes or failed publishes break a plateau, and a later good plateau does not count', () => {
    const lost = sustainableRate({ plateaus, startedAt, perSecond: perSecond(targetRate), probes: probesAt((s) => (s === 5 ? null : 50)) });
    expect(lost.maxSustainable).toBe(0);
    expect(lost.verdicts[0]!.reason).toBe('1 probes never stored');
    expect(lost.verdicts[1]!.sustainable).toBe(true);
    const failed = sustainableRate({ plateaus, startedAt, perSecond: perSecond(targetRate, (s) => (s === 35 ? 1 : 0)), probes: probesAt(() => 50) });
    expect(failed.maxSustainable).toBe(300);
    expect(failed.verdicts[3]!.reason).toBe('1 publishes failed');
  });

  it('plateaus the run never reached are not sustainable', () => {
    const partial = new Map([...perSecond(targetRate)].filter(([s]) => s < startedAt / 1000 + 15));
    const { verdicts } = sustainableRate({ plateaus, startedAt, perSecond: partial, probes: probesAt((s) => (s < 15 ? 50 : null)).slice(0, 15) });
    expect(verdicts[0]!.sustainable).toBe(true);
    expect(verdicts[2]!.sustainable).toBe(false);
  });

  it('an abort cuts the last plateau: judged on what ran of it, or "not reached" under 3 s', () => {
    // The rate fell to half 5 s into the 300/s plateau and the run stopped at 26 s.
    const cut = sustainableRate({ plateaus, startedAt, endedAt: startedAt + 26_000, perSecond: perSecond((s) => (s < 20 ? targetRate(s) : 150)), probes: probesAt(() => 50) });
    expect(cut.verdicts[2]!.reason).toMatch(/achieved 150\/s < 95 % of 300\/s/);
    expect(cut.verdicts[3]!.reason).toBe('plateau not reached (the ramp stopped before it)');
    // Stopped 2 s (plus the 2 s settle) into the 300/s plateau: nothing of it to judge.
    const early = sustainableRate({ plateaus, startedAt, endedAt: startedAt + 24_000, perSecond: perSecond(targetRate), probes: probesAt(() => 50) });
    expect(early.maxSustainable).toBe(200);
    expect(early.verdicts[2]!.reason).toBe('plateau not reached (the ramp stopped before it)');
  });
});
