import type { ConstantVusPlan } from '../validate-options';
import type { Executor } from './scenario-context';

/** constant-vus (closed model): `vus` VUs loop iterations back to back until `duration` is over. */
export const runConstantVus: Executor<ConstantVusPlan> = async (ctx, iterations, startAt) => {
  const { clock, pool, signal } = ctx;
  const end = startAt + ctx.plan.durationMs;
  const loop = async () => {
    const vu = pool.take();
    if (!vu) return;
    while (clock.now() < end && !signal.aborted) {
      await iterations.run(vu);
      await clock.yield();
    }
    pool.release(vu);
  };
  for (let i = 0; i < ctx.plan.vus; i += 1) void loop();
  await clock.sleepUntil(end, signal);
};
