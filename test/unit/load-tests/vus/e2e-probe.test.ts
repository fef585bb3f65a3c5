import type { Tags } from '../../../../load-tests/runner/load-test';
import { createE2eProbe, type SqlQuery } from '../../../../load-tests/vus/e2e-probe';

/** A fake QuestDB: rows become visible when the test says so; the clock is the test's. */
function setup(options: { output?: boolean; maxPerSecond?: number } = {}) {
  let now = 1_000_000;
  const stored = new Set<string>();
  const windowEnds = new Map<string, number>();
  const sql: string[] = [];
  const query: SqlQuery = async (text) => {
    sql.push(text);
    if (text.includes('FROM readings')) {
      const meters = [...text.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
      const times = [...text.matchAll(/cast\((\d+) AS timestamp\)/g)].map((m) => Number(m[1]) / 1000);
      return [...stored].map((k) => k.split('@')).filter(([m, ts]) => meters.includes(m!) && times.includes(Number(ts))).map(([m, ts]) => ({ meter_id: m, us: String(Number(ts) * 1000) }));
    }
    return [...windowEnds].map(([m, end]) => ({ meter_id: m, us: String(end * 1000) }));
  };
  const samples: { metric: string; value: number | boolean; tags?: Tags }[] = [];
  const probe = createE2eProbe({
    query,
    metrics: { add: (metric, value, tags) => samples.push({ metric, value, tags }) },
    intervalMs: 2000,
    timeoutMs: 60_000,
    output: options.output ?? false,
    outputTimeoutMs: 300_000,
    maxPerSecond: options.maxPerSecond,
    clock: () => now,
  });
  return {
    probe,
    samples,
    sql,
    advance: (ms: number) => (now += ms),
    now: () => now,
    store: (meterId: string, ts: number) => stored.add(`${meterId}@${ts}`),
    windowEnd: (meterId: string, end: number) => windowEnds.set(meterId, end),
    of: (metric: string) => samples.filter((s) => s.metric === metric),
  };
}

describe('e2e probe', () => {
  it('takes at most one probe per VU per interval', () => {
    const t = setup();
    expect(t.probe.due('vu1')).toBe(true);
    expect(t.probe.due('vu1')).toBe(false);
    expect(t.probe.due('vu2')).toBe(true);
    t.advance(1999);
    expect(t.probe.due('vu1')).toBe(false);
    t.advance(1);
    expect(t.probe.due('vu1')).toBe(true);
  });

  it('caps probes per second over all VUs', () => {
    const t = setup({ maxPerSecond: 3 });
    const taken = Array.from({ length: 10 }, (_, i) => t.probe.due(`vu${i}`)).filter(Boolean).length;
    expect(taken).toBe(3);
    t.advance(1000);
    expect(t.probe.due('vu9')).toBe(true); // a VU refused earlier asks again at its next reading
  });

  it('records publish → queryable latency once the row is visible, with one query per poll', async () => {
    const t = setup();
    const published = t.now();
    t.probe.add({ meterId: 'm1', ts: 5000, publishedAt: published, tags: { kind: 'water' } });
    t.probe.add({ meterId: 'm2', ts: 5001, publishedAt: published });
    t.advance(250);
    await t.probe.poll();
    expect(t.of('e2e_stored_latency')).toEqual([]);
    t.store('m1', 5000);
    t.store('m2', 5000); // another meter at the other's ts is not m2's probe
    t.advance(250);
    await t.probe.poll();
    expect(t.of('e2e_stored_latency')).toEqual([{ metric: 'e2e_stored_latency', value: 500, tags: { kind: 'water' } }]);
    t.store('m2', 5001);
    t.advance(100);
    await t.probe.poll();
    expect(t.of('e2e_stored_latency').map((s) => s.value)).toEqual([500, 600]);
    expect(t.probe.stats()).toMatchObject({ taken: 2, storedSeen: 2, storedLost: 0, pendingStored: 0, queries: 3 });
    await t.probe.poll(); // nothing pending: no query
    expect(t.probe.stats().queries).toBe(3);
    expect(t.probe.storedSamples).toEqual([
      { publishedAt: published, latencyMs: 500 },
      { publishedAt: published, latencyMs: 600 },
    ]);
  });

  it('counts a probe not seen within the timeout as lost (stage stored), once', async () => {
    const t = setup();
    t.probe.add({ meterId: 'm1', ts: 1, publishedAt: t.now() });
    t.advance(60_000);
    await t.probe.poll();
    expect(t.of('e2e_probes_lost')).toEqual([]);
    t.advance(1);
    await t.probe.poll();
    await t.probe.poll();
    expect(t.of('e2e_probes_lost')).toEqual([{ metric: 'e2e_probes_lost', value: 1, tags: { stage: 'stored' } }]);
    expect(t.probe.stats()).toMatchObject({ storedLost: 1, pendingStored: 0 });
  });

  it('output stage: covered once a rolling_averages window of the meter ends after the probe', async () => {
    const t = setup({ output: true });
    const published = t.now();
    t.probe.add({ meterId: 'm1', ts: 10_000, publishedAt: published });
    t.probe.add({ meterId: 'm1', ts: 12_000, publishedAt: published + 2000 }); // the older probe of m1 stands for it
    t.store('m1', 10_000);
    t.advance(300);
    await t.probe.poll();
    expect(t.of('e2e_stored_latency')).toHaveLength(1);
    t.windowEnd('m1', 10_000); // a window ending exactly at the probe does not hold it ([start, end))
    t.advance(120_000);
    await t.probe.poll();
    expect(t.of('e2e_output_latency')).toEqual([]);
    t.windowEnd('m1', 300_000);
    t.advance(1000);
    await t.probe.poll();
    expect(t.of('e2e_output_latency').map((s) => s.value)).toEqual([121_300]);
    expect(t.probe.stats()).toMatchObject({ outputSeen: 1, pendingOutput: 0 });
    expect(t.sql.some((s) => s.includes('FROM rolling_averages'))).toBe(true);
  });

  it('output probes left pending at stop are reported, not lost; timed-out ones are lost (stage output)', async () => {
    const t = setup({ output: true });
    t.probe.add({ meterId: 'a', ts: 1, publishedAt: t.now() });
    t.store('a', 1);
    t.advance(300_001);
    await t.probe.poll();
    expect(t.of('e2e_probes_lost')).toEqual([{ metric: 'e2e_probes_lost', value: 1, tags: { stage: 'output' } }]);
    t.probe.add({ meterId: 'b', ts: 2, publishedAt: t.now() });
    await t.probe.stop();
    expect(t.probe.stats()).toMatchObject({ pendingOutput: 1, outputLost: 1 });
  });

  it('a failing query is counted and retried at the next poll', async () => {
    let fail = true;
    const samples: string[] = [];
    const probe = createE2eProbe({
      query: async () => {
        if (fail) throw new Error('QuestDB down');
        return [{ meter_id: 'm', us: '5000000' }];
      },
      metrics: { add: (metric) => samples.push(metric) },
      intervalMs: 1,
      timeoutMs: 60_000,
      output: false,
      outputTimeoutMs: 1,
    });
    probe.add({ meterId: 'm', ts: 5000, publishedAt: Date.now() });
    await probe.poll();
    expect(probe.stats()).toMatchObject({ queryErrors: 1, pendingStored: 1 });
    fail = false;
    await probe.poll();
    expect(samples).toEqual(['e2e_stored_latency']);
  });
});
