import type { ArrivalRatePlan } from '../validate-options';
import { createArrivalSchedule } from './arrival-schedule';
import type { Executor } from './scenario-context';

/**
 * constant-arrival-rate and ramping-arrival-rate (open model; both are a piecewise-linear rate
 * after validation). Each iteration starts when the schedule says, on an idle VU. With none
 * idle, the iteration is dropped (`dropped_iterations`) and, if the pool is below maxVUs, one
 * more VU is initialised in the background for the iterations to come (one at a time) — as
 * k6's lib/executor/constant_arrival_rate.go (TryRunIteration, else dropped + makeUnplannedVUCh).
 * Nothing queues and nothing waits for a VU: a slow system under test costs dropped
 * iterations, never late starts or later bursts. If the generator itself falls behind (event
 * loop blocked), iterations already due start at once, as in k6.
 */
export const runArrivalRate: Executor<ArrivalRatePlan> = async (ctx, iterations, startAt) => {
  const { clock, pool, signal } = ctx;
  const schedule = createArrivalSchedule(ctx.plan.segments);
  let growing = false;
  for (let at = schedule.next(); at !== null; at = schedule.next()) {
    await clock.sleepUntil(startAt + at, signal);
    if (signal.aborted) return;
    const vu = pool.take();
    if (vu) {
      void iterations.run(vu, () => pool.release(vu));
      continue;
    }
    iterations.dropped();
    if (growing) continue;
    const more = pool.grow();
    if (!more) continue;
    growing = true;
    more.then(
      (fresh) => {
        growing = false;
        pool.release(fresh);
      },
      (error: unknown) => {
        growing = false;
        ctx.onVuError(error);
      },
    );
  }
  await clock.sleepUntil(startAt + ctx.plan.durationMs, signal);
};
