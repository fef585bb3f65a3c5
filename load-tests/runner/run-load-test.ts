import { describeError } from '../../core/errors';
import { createRealClock, type Clock } from './clock';
import { createErrorLog } from './error-log';
import { runScenario, type RunningScenario } from './executors/run-scenario';
import { createVuPool, type VuPool } from './executors/vu-pool';
import { createCpuSampler } from './generator-cpu';
import type { Findings, LoadTest, MetricSink, Tags, VuContext } from './load-test';
import { createMetricRegistry } from './metric-registry';
import { formatProgressLine, progressLabel } from './progress-line';
import type { RunResult, TimeBucket } from './run-result';
import { buildSummaryData, type CheckTally } from './summary-data';
import { describeThreshold, evaluateThresholds, thresholdSubmetrics } from './thresholds';
import { validateLoadTest, type ScenarioPlan } from './validate-options';

export interface RunLoadTestOptions {
  /** Overlaid on process.env for VUs, setup and teardown (the CLI's --env KEY=VALUE). */
  env?: Record<string, string>;
  /** Length of a time bucket of the series. @default 1000 */
  bucketMs?: number;
  /** Called with a progress line (see progress-line.ts) every progressIntervalMs. */
  onProgress?: (line: string) => void;
  /** @default 1000 (rounded up to whole buckets) */
  progressIntervalMs?: number;
  /** Aborts the run (the CLI's SIGINT): scenarios stop, VUs close, teardown runs, a summary is still returned. */
  signal?: AbortSignal;
  /** @default wall-clock time; tests pass createVirtualClock(). */
  clock?: Clock;
  /** Warnings and (rate-limited) iteration errors. @default a line on stderr */
  log?: (line: string) => void;
  /** Source of the generator's CPU use. @default process.cpuUsage */
  cpuUsage?: () => NodeJS.CpuUsage;
  /** Recorded in SummaryData.state / options. */
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
  noColor?: boolean;
}

/**
 * Runs a load test as k6 would: validate → setup → initialise the pre-allocated VUs → run the
 * scenarios side by side (each from its startTime) while a ticker closes a time bucket every
 * bucketMs (vus, vus_max, scenario_vus and generator_cpu gauges sampled), evaluates
 * abortOnFail thresholds and reports progress → close every VU → teardown (count checks) →
 * evaluate thresholds → summary in k6's handleSummary shape and the series of buckets.
 * Throws LOAD_TEST_INVALID before anything runs when the test is invalid; a throwing setup
 * rejects; a throwing teardown is recorded in summary.meterflow.errors.
 */
export async function runLoadTest(test: LoadTest, options: RunLoadTestOptions = {}): Promise<RunResult> {
  const plan = validateLoadTest(test);
  const clock = options.clock ?? createRealClock();
  const bucketMs = options.bucketMs ?? 1000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warnings: string[] = [];
  const errors: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log(`warning: ${message}`);
  };
  const registry = createMetricRegistry({ tags: test.options.tags, declared: plan.metrics, submetrics: thresholdSubmetrics(plan.thresholds), warn });
  const env = { ...stringEnv(process.env), ...(options.env ?? {}) };
  const findings: Findings = {};
  const startedAt = new Date();

  const run = new AbortController();
  let aborted: string | null = null;
  const abort = (reason: string) => {
    if (aborted !== null) return;
    aborted = reason;
    run.abort();
  };
  const onSignal = () => abort(typeof options.signal?.reason === 'string' ? options.signal.reason : 'interrupted');
  if (options.signal?.aborted) onSignal();
  options.signal?.addEventListener('abort', onSignal, { once: true });

  const checks = new Map<string, CheckTally>();
  const check = (sink: MetricSink, scenarioTags: Tags) => (conditions: Record<string, boolean>, tags?: Tags) => {
    let all = true;
    for (const [name, ok] of Object.entries(conditions)) {
      const pass = Boolean(ok);
      all &&= pass;
      sink.add('checks', pass, { ...scenarioTags, ...tags, check: name });
      let tally = checks.get(name);
      if (!tally) checks.set(name, (tally = { name, passes: 0, fails: 0 }));
      if (pass) tally.passes += 1;
      else tally.fails += 1;
    }
    return all;
  };

  try {
    await test.setup?.({ env, metrics: registry, findings });

    let nextVuId = 1;
    const logIterationError = createErrorLog(log, () => clock.now());
    const pools = new Map<string, VuPool>();
    for (const scenario of plan.scenarios) {
      const factory = test.vus[scenario.exec]!;
      const vuEnv = { ...env, ...scenario.env };
      const sink = taggedSink(registry, scenario.tags);
      const max = scenario.kind === 'arrival-rate' ? scenario.maxVUs : scenario.vus;
      pools.set(scenario.name, createVuPool({ max, create: () => factory(vuContext(nextVuId++, scenario, vuEnv, sink, check(registry, scenario.tags))) }));
    }
    try {
      for (const scenario of plan.scenarios) {
        if (run.signal.aborted) break;
        await pools.get(scenario.name)!.preallocate(scenario.kind === 'arrival-rate' ? scenario.preAllocatedVUs : scenario.vus);
      }
    } catch (error) {
      await Promise.all([...pools.values()].map((pool) => pool.closeAll(() => {})));
      throw error;
    }

    const t0 = clock.now();
    const series: TimeBucket[] = [];
    const cpu = createCpuSampler(() => clock.now(), options.cpuUsage);
    let lastCpu: number | undefined;
    let bucketStart = t0;
    const sampleGauges = () => {
      let active = 0;
      let size = 0;
      for (const [name, pool] of pools) {
        active += pool.busy;
        size += pool.size;
        registry.add('scenario_vus', pool.size, { scenario: name });
      }
      registry.add('vus', active);
      registry.add('vus_max', size);
      return { active, size };
    };
    const closeBucket = (end: number) => {
      const share = cpu.sample(Math.min(500, bucketMs / 2));
      if (share !== null) {
        lastCpu = share;
        registry.add('generator_cpu', share);
      }
      const vus = sampleGauges();
      registry.setDurationMs(end - t0);
      // Whole milliseconds: clock differences carry float noise (1000.0000000000002 ms) into every output.
      series.push(registry.closeBucket(Math.round(bucketStart - t0), Math.round(end - bucketStart)));
      bucketStart = end;
      return vus;
    };
    const headline = () => {
      const thresholded = plan.thresholds.find((t) => registry.info(t.name)?.type === 'trend' && registry.count(t.name) > 0)?.name;
      const name = thresholded ?? (registry.count('mqtt_puback_latency') > 0 ? 'mqtt_puback_latency' : 'iteration_duration');
      return registry.count(name) > 0 ? { label: progressLabel(name), ms: registry.stat(name, 'p(99)') ?? 0 } : undefined;
    };

    const running: RunningScenario[] = plan.scenarios.map((scenario) =>
      runScenario(
        {
          plan: scenario,
          clock,
          signal: run.signal,
          pool: pools.get(scenario.name)!,
          metrics: registry,
          onIterationError: (error) => logIterationError(scenario.name, error),
          onVuError: (error) => log(`scenario ${scenario.name}: a VU failed to initialise: ${describeError(error)}`),
        },
        t0,
      ),
    );

    const tickerStop = new AbortController();
    const abortable = plan.thresholds.filter((t) => t.abortOnFail);
    const progressEvery = Math.max(1, Math.ceil((options.progressIntervalMs ?? 1000) / bucketMs));
    const ticker = (async () => {
      for (let n = 1; ; n += 1) {
        await clock.sleepUntil(t0 + n * bucketMs, tickerStop.signal);
        if (tickerStop.signal.aborted) return;
        const vus = closeBucket(t0 + n * bucketMs);
        const elapsed = clock.now() - t0;
        for (const outcome of evaluateThresholds(
          abortable.filter((t) => elapsed >= t.delayAbortEvalMs),
          registry,
        )) {
          if (!outcome.ok) abort(`threshold ${describeThreshold(outcome.threshold)} failed (abortOnFail) at ${(elapsed / 1000).toFixed(1)}s`);
        }
        if (options.onProgress && n % progressEvery === 0) {
          const last = series[series.length - 1]!;
          options.onProgress(
            formatProgressLine({
              elapsedMs: elapsed,
              totalMs: plan.totalMs,
              activeVus: vus.active,
              maxVus: vus.size,
              iterations: registry.stat('iterations', 'count') ?? 0,
              iterationRate: last.metrics.iterations?.rate ?? 0,
              dropped: registry.stat('dropped_iterations', 'count') ?? 0,
              p99: headline(),
              generatorCpu: lastCpu,
              aborting: aborted !== null,
            }),
          );
        }
      }
    })();

    await Promise.all(running.map((r) => r.done));
    tickerStop.abort();
    await ticker;
    const end = clock.now();
    if (end > bucketStart || series.length === 0) closeBucket(end);
    const testRunDurationMs = end - t0;
    registry.setDurationMs(testRunDurationMs);

    await Promise.all([...pools.values()].map((pool) => pool.closeAll((error) => warn(`closing a VU failed: ${describeError(error)}`))));

    try {
      const teardownStart = clock.now();
      await test.teardown?.({ env, metrics: registry, findings });
      const after = registry.closeBucket(Math.round(teardownStart - t0), Math.round(Math.max(0, clock.now() - teardownStart)));
      if (Object.keys(after.metrics).length > 0) series.push(after);
    } catch (error) {
      errors.push(`teardown failed: ${describeError(error)}`);
      log(`teardown failed: ${describeError(error)}`);
    }

    const outcomes = evaluateThresholds(plan.thresholds, registry);
    const summary = buildSummaryData({
      test,
      plan,
      registry,
      outcomes,
      checks: [...checks.values()],
      startedAt,
      testRunDurationMs,
      aborted,
      findings,
      errors,
      warnings,
      isStdOutTTY: options.isStdOutTTY,
      isStdErrTTY: options.isStdErrTTY,
      noColor: options.noColor,
    });
    return { summary, series };
  } finally {
    options.signal?.removeEventListener('abort', onSignal);
  }
}

function vuContext(id: number, scenario: ScenarioPlan, env: Record<string, string>, metrics: MetricSink, check: VuContext['check']): VuContext {
  return { id, scenario: scenario.name, env, metrics, check, tags: scenario.tags };
}

/** A sink adding the scenario's tags (`scenario` and its own) to every sample, as k6 does; a sample's own tags win. */
function taggedSink(sink: MetricSink, tags: Tags): MetricSink {
  return { add: (metric, value, sampleTags) => sink.add(metric, value, sampleTags ? { ...tags, ...sampleTags } : tags) };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}
