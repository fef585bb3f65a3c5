import { MeterflowError } from '../../../../core/errors';
import { silentLogger } from '../../../../core/logger';
import { createMetrics } from '../../../../core/metrics';
import { startScheduledTask } from '../../../../core/scheduling/scheduled-task';

describe('scheduled task: the runtime model of scheduled work', () => {
  afterEach(() => jest.useRealTimers());

  it('never overlaps runs: ticks during a slow run are skipped, runNow joins the run in progress', async () => {
    jest.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const release: (() => void)[] = [];
    const task = startScheduledTask({
      name: 'slow',
      intervalMs: 100,
      logger: silentLogger,
      run: async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => release.push(r));
        active -= 1;
      },
    });
    await jest.advanceTimersByTimeAsync(1_000); // ten ticks, one run still in progress
    expect(runs).toBe(1);
    const joined = task.runNow();
    expect(runs).toBe(1);
    release.shift()!();
    await joined;
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    release.shift()!();
    await task.stop();
  });

  it('a failing run is counted, reported by failingForMs and retried on the next tick; a success clears it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const metrics = createMetrics('t');
    let fail = true;
    const task = startScheduledTask({ name: 'flaky', intervalMs: 1_000, logger: silentLogger, metrics, run: async () => {
      if (fail) throw new Error('questdb down');
    } });
    await expect(task.runNow()).rejects.toThrow('questdb down');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(task.failingForMs()).toBe(5_000);
    expect(await metrics.render()).toContain('\nt_scheduled_runs_total{task="flaky",outcome="failed"} 6\n');
    fail = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(task.failingForMs()).toBe(0);
    await task.stop();
  });

  it('stop waits for the run in progress and no run starts after it', async () => {
    jest.useFakeTimers();
    let finished = false;
    let runs = 0;
    const task = startScheduledTask({ name: 'drain', intervalMs: 50, logger: silentLogger, run: async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 500));
      finished = true;
    } });
    await jest.advanceTimersByTimeAsync(60);
    const stopped = task.stop();
    await jest.advanceTimersByTimeAsync(600);
    await stopped;
    expect(finished).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
  });

  it('refuses an interval that is not a number, naming the task', () => {
    expect(() => startScheduledTask({ name: 'x', intervalMs: Number.NaN, logger: silentLogger, run: async () => undefined })).toThrow(MeterflowError);
    expect(() => startScheduledTask({ name: 'x', intervalMs: Number.NaN, logger: silentLogger, run: async () => undefined })).toThrow('x: intervalMs');
  });
});
