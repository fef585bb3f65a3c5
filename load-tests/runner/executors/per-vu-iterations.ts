import type { PerVuIterationsPlan } from '../validate-options';
import type { Executor } from './scenario-context';

/** per-vu-iterations (closed model): each of `vus` VUs runs `iterations` iterations, no new one after `maxDuration`. */
export const runPerVuIterations: Executor<PerVuIterationsPlan> = async (ctx, iterations, startAt) => {
  const { clock, pool, signal } = ctx;
  const end = startAt + ctx.plan.durationMs;
  const stop = new AbortController();
  const loop = async () => {
    const vu = pool.take();
    if (!vu) return;
    for (let i = 0; i < ctx.plan.iterations && clock.now() < end && !signal.aborted; i += 1) {
      await iterations.run(vu);
      await clock.yield();
    }
    pool.release(vu);
  };
  const loops = Promise.all(Array.from({ length: ctx.plan.vus }, loop)).then(() => stop.abort());
  await clock.sleepUntil(end, AbortSignal.any([signal, stop.signal]));
  stop.abort();
  void loops;
};
