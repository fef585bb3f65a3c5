import type { ArrivalRatePlan } from '../validate-options';
import { createArrivalSchedule } from './arrival-schedule';
import type { Executor } from './scenario-context';

/**
 * constant-arrival-rate and ramping-arrival-rate (open model; both are a piecewise-linear rate
 * after validation). Each iteration starts when the schedule says, on an idle VU; with none
 * idle a new VU is initialised if the pool is below maxVUs (the iteration starts once it is
 * ready, as k6's mid-run VU initialisation); otherwise the iteration is dropped
 * (`dropped_iterations`). Nothing queues: a slow system under test costs dropped iterations,
 * never later bursts. If the generator itself falls behind (event loop blocked), iterations
 * already due start at once, as in k6.
 */
export const runArrivalRate: Executor<ArrivalRatePlan> = async (ctx, iterations, startAt) => {
  const { clock, pool, signal } = ctx;
  const schedule = createArrivalSchedule(ctx.plan.segments);
  const start = (vu: Parameters<typeof iterations.run>[0]) => void iterations.run(vu, () => pool.release(vu));
  for (let at = schedule.next(); at !== null; at = schedule.next()) {
    await clock.sleepUntil(startAt + at, signal);
    if (signal.aborted) return;
    const vu = pool.take();
    if (vu) {
      start(vu);
      continue;
    }
    const growing = pool.grow();
    if (!growing) {
      iterations.dropped();
      continue;
    }
    growing.then(start, (error: unknown) => {
      ctx.onVuError(error);
      iterations.dropped();
    });
  }
  await clock.sleepUntil(startAt + ctx.plan.durationMs, signal);
};
