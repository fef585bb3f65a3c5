/**
 * The load generator's own CPU use, (user + system) / wall time, as a share of one core
 * (0.34 = 34 %; above 1 on several cores). On a small box it shows how much of the machine the
 * generator took from the system under test. Sampled by the runner every second (gauge `generator_cpu`).
 */
export function createCpuSampler(now: () => number, cpuUsage: () => NodeJS.CpuUsage = () => process.cpuUsage()) {
  let lastAt = now();
  let last = cpuUsage();
  return {
    /** Share of one core since the previous sample (or since creation); null (and no new window) if less than `minMs` passed. */
    sample(minMs = 1): number | null {
      const at = now();
      if (at - lastAt < minMs) return null;
      const usage = cpuUsage();
      const wallUs = (at - lastAt) * 1000;
      const cpuUs = usage.user - last.user + (usage.system - last.system);
      lastAt = at;
      last = usage;
      return wallUs > 0 ? cpuUs / wallUs : null;
    },
  };
}
