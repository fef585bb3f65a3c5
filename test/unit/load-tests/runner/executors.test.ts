import { runScenario } from '../../../../load-tests/runner/executors/run-scenario';
import { createVuPool } from '../../../../load-tests/runner/executors/vu-pool';
import type { LoadTest, ScenarioOptions, Vu } from '../../../../load-tests/runner/load-test';
import { createMetricRegistry } from '../../../../load-tests/runner/metric-registry';
import { validateLoadTest } from '../../../../load-tests/runner/validate-options';
import { createVirtualClock } from '../../../../load-tests/runner/virtual-clock';

/** Runs one scenario in virtual time; `iteration(n, sleep)` is the body of the n-th iteration (0-based, over all VUs). */
async function run(scenario: ScenarioOptions, iteration: (n: number, sleep: (ms: number) => Promise<void>) => Promise<void> | void) {
  const clock = createVirtualClock(1_000);
  const registry = createMetricRegistry();
  const test: LoadTest = { name: 't', description: '', options: { scenarios: { s: scenario } }, vus: { v: async () => ({ iteration: async () => {}, close: async () => {} }) } };
  const plan = validateLoadTest(test).scenarios[0]!;
  const starts: number[] = [];
  const t0 = clock.now();
  let n = 0;
  let created = 0;
  const maxVus = plan.kind === 'arrival-rate' ? plan.maxVUs : plan.vus;
  const pool = createVuPool({
    max: maxVus,
    create: async (): Promise<Vu> => {
      created += 1;
      return {
        iteration: async () => {
          starts.push(clock.now() - t0);
          await iteration(n++, (ms) => clock.sleepUntil(clock.now() + ms));
        },
        close: async () => {},
      };
    },
  });
  await pool.preallocate(plan.kind === 'arrival-rate' ? plan.preAllocatedVUs : plan.vus);
  const errors: unknown[] = [];
  const running = runScenario(
    { plan, clock, signal: new AbortController().signal, pool, metrics: registry, onIterationError: (e) => errors.push(e), onVuError: (e) => errors.push(e) },
    t0,
  );
  await running.done;
  return { starts, registry, state: running.iterations.state, created, errors, elapsed: clock.now() - t0 };
}

describe('constant-arrival-rate', () => {
  it('starts rate × duration iterations, each on its schedule', async () => {
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '10s', preAllocatedVUs: 1 }, () => {});
    expect(r.starts.length).toBeGreaterThanOrEqual(99);
    expect(r.starts.length).toBeLessThanOrEqual(101);
    r.starts.forEach((t, i) => expect(t).toBeCloseTo(i * 100, 6));
    expect(r.registry.stat('iterations', 'count')).toBe(r.starts.length);
    expect(r.registry.stat('dropped_iterations', 'count')).toBe(0);
    expect(r.created).toBe(1);
  });

  it('honours timeUnit: rate 30 per 1m is one iteration every 2 s', async () => {
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 30, timeUnit: '1m', duration: '10s', preAllocatedVUs: 1 }, () => {});
    expect(r.starts).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it('drops iterations when no VU is free, and never delays or bursts the ones it starts', async () => {
    // Each iteration takes 250 ms, one every 100 ms, 1 VU pre-allocated, maxVUs 2. As k6: with no
    // idle VU the iteration is dropped and one more VU is initialised in the background.
    // i=0 VU1 [0,250]; i=1 at 100 → dropped, VU2 initialised; i=2 VU2 [200,450]; i=3 VU1 [300,550];
    // i=4 at 400 → dropped (both busy, pool at maxVUs); i=5 VU2 [500,750]; … every i ≡ 1 (mod 3) dropped.
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '10s', preAllocatedVUs: 1, maxVUs: 2 }, (_, sleep) => sleep(250));
    expect(r.created).toBe(2);
    expect(r.state.dropped).toBe(33);
    expect(r.registry.stat('dropped_iterations', 'count')).toBe(33);
    expect(r.registry.stat('dropped_iterations', 'count', { scenario: 's' })).toBe(33);
    expect(r.starts).toHaveLength(67);
    const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 !== 1).map((i) => i * 100);
    expect(r.starts.map((t) => Math.round(t))).toEqual(expected);
    expect(r.registry.stat('iterations', 'count')).toBe(67);
    expect(r.registry.stat('iteration_duration', 'avg')).toBeCloseTo(250, 0);
  });

  it('grows the pool from preAllocatedVUs up to maxVUs, no further', async () => {
    // 10/s of 1 s iterations needs 10 VUs; maxVUs 6 caps it.
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '5s', preAllocatedVUs: 2, maxVUs: 6 }, (_, sleep) => sleep(1000));
    expect(r.created).toBe(6);
    expect(r.state.dropped).toBeGreaterThan(0);
    expect(r.starts.every((t) => Math.abs(t / 100 - Math.round(t / 100)) < 1e-9)).toBe(true); // every start on a 100 ms tick
  });
});

describe('ramping-arrival-rate', () => {
  it('0 → 100/s over 10 s starts ≈500 iterations, a quarter of them in the first half (N(t) = 5t²)', async () => {
    const r = await run({ executor: 'ramping-arrival-rate', exec: 'v', startRate: 0, stages: [{ target: 100, duration: '10s' }], preAllocatedVUs: 1 }, () => {});
    expect(Math.abs(r.starts.length - 500)).toBeLessThanOrEqual(1);
    const before = (ms: number) => r.starts.filter((t) => t < ms).length;
    expect(Math.abs(before(5000) - 125)).toBeLessThanOrEqual(1);
    expect(Math.abs(before(2500) - 32)).toBeLessThanOrEqual(1); // 5·2.5² = 31.25 → i = 0..31
    expect(r.starts[20]).toBeCloseTo(2000, 6); // √(20/5) s
  });

  it('holds a plateau and ramps down: 10/s for 2 s then 10 → 0 over 2 s is 20 + 10 iterations', async () => {
    const r = await run({ executor: 'ramping-arrival-rate', exec: 'v', startRate: 10, stages: [{ target: 10, duration: '2s' }, { target: 0, duration: '2s' }], preAllocatedVUs: 1 }, () => {});
    expect(r.starts.filter((t) => t < 2000)).toHaveLength(20);
    expect(Math.abs(r.starts.length - 30)).toBeLessThanOrEqual(1);
  });
});

describe('closed-model executors', () => {
  it('constant-vus: 3 VUs × 100 ms iterations for 1 s run 30 iterations', async () => {
    const r = await runWithSleep({ executor: 'constant-vus', exec: 'v', vus: 3, duration: '1s' }, 100);
    expect(r.registry.stat('iterations', 'count')).toBe(30);
    expect(r.elapsed).toBe(1000);
  });

  it('per-vu-iterations: 4 VUs × 5 iterations = 20; maxDuration caps new iterations', async () => {
    const a = await runWithSleep({ executor: 'per-vu-iterations', exec: 'v', vus: 4, iterations: 5 }, 10);
    expect(a.registry.stat('iterations', 'count')).toBe(20);
    expect(a.elapsed).toBe(50);
    const b = await runWithSleep({ executor: 'per-vu-iterations', exec: 'v', vus: 4, iterations: 5, maxDuration: '30ms' }, 10);
    expect(b.registry.stat('iterations', 'count')).toBe(12); // starts at 0, 10, 20 per VU
  });
});

describe('every executor', () => {
  it('startTime offsets the scenario', async () => {
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 1, duration: '3s', startTime: '2s', preAllocatedVUs: 1 }, () => {});
    expect(r.starts).toEqual([2000, 3000, 4000]);
  });

  it('a throwing iteration counts as failed and the run goes on', async () => {
    const r = await run({ executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '1s', preAllocatedVUs: 1 }, (n) => {
      if (n % 2 === 1) throw new Error(`boom ${n}`);
    });
    expect(r.starts).toHaveLength(10);
    expect(r.registry.stat('iterations', 'count')).toBe(10);
    expect(r.registry.stat('iterations_failed', 'count')).toBe(5);
    expect(r.errors).toHaveLength(5);
    expect(r.registry.stat('iterations', 'count', { scenario: 's' })).toBe(10);
  });

  it('gives running iterations gracefulStop, then interrupts them', async () => {
    const r = await runWithSleep({ executor: 'constant-arrival-rate', exec: 'v', rate: 1, duration: '2s', gracefulStop: '1s', preAllocatedVUs: 2 }, 5000);
    expect(r.state.started).toBe(2);
    expect(r.state.interrupted).toBe(2);
    expect(r.registry.stat('iterations', 'count')).toBe(0);
    expect(r.registry.stat('iterations_interrupted', 'count')).toBe(2);
    expect(r.elapsed).toBe(3000); // duration 2 s + gracefulStop 1 s
  });
});

/** As run(), each iteration sleeping `ms` of virtual time. */
function runWithSleep(scenario: ScenarioOptions, ms: number) {
  return run(scenario, (_, sleep) => sleep(ms));
}

describe('the VU pool', () => {
  it('hands out the VU idle longest (first in, first out), so a low rate spreads over every meter', async () => {
    let made = 0;
    const pool = createVuPool({ max: 3, create: async () => ({ id: ++made, iteration: async () => undefined, close: async () => undefined }) as Vu & { id: number } });
    await pool.preallocate(3);
    const order: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const vu = pool.take() as (Vu & { id: number }) | null;
      order.push(vu!.id);
      pool.release(vu!);
    }
    expect(order).toEqual([1, 2, 3, 1, 2, 3]);
  });
});
