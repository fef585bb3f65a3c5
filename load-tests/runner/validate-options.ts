import { z } from 'zod';
import { MeterflowError } from '../../core/errors';
import { parseDuration } from './durations';
import type { LoadTest, MetricType, ScenarioOptions, Tags } from './load-test';
import { builtinMetrics, meterflowMetrics } from './load-test';
import { inferContains, runnerMetrics, type MetricInfo } from './metric-registry';
import { compileThresholds, type CompiledThreshold } from './thresholds';

/** A piece of an arrival-rate schedule: the rate moves linearly from `from` to `to` (iterations per ms). */
export interface RateSegment {
  from: number;
  to: number;
  ms: number;
}

interface PlanBase {
  name: string;
  exec: string;
  startMs: number;
  gracefulStopMs: number;
  /** `scenario: <name>` plus the scenario's tags. */
  tags: Tags;
  env: Record<string, string>;
  /** When the scenario stops starting iterations, from its own start. */
  durationMs: number;
}
export interface ArrivalRatePlan extends PlanBase {
  kind: 'arrival-rate';
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  segments: RateSegment[];
  preAllocatedVUs: number;
  maxVUs: number;
}
export interface ConstantVusPlan extends PlanBase {
  kind: 'constant-vus';
  vus: number;
}
export interface PerVuIterationsPlan extends PlanBase {
  kind: 'per-vu-iterations';
  vus: number;
  iterations: number;
}
export type ScenarioPlan = ArrivalRatePlan | ConstantVusPlan | PerVuIterationsPlan;

/** A validated LoadTest with every duration in ms. */
export interface TestPlan {
  scenarios: ScenarioPlan[];
  thresholds: CompiledThreshold[];
  metrics: Record<string, MetricInfo>;
  summaryTrendStats: string[];
  /** Latest scenario end (startTime + duration), ms. */
  totalMs: number;
}

export const defaultSummaryTrendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

const positive = z.number({ invalid_type_error: 'must be a positive number', required_error: 'is required (a positive number)' }).finite().positive('must be a positive number');
const nonNegative = z.number({ invalid_type_error: 'must be a number ≥ 0', required_error: 'is required (a number ≥ 0)' }).finite().min(0, 'must be a number ≥ 0');
const count = (what: string, min: number) =>
  z.number({ invalid_type_error: `must be an integer ≥ ${min} (${what})`, required_error: `is required (${what})` }).int(`must be an integer ≥ ${min}`).min(min, `must be an integer ≥ ${min}`);
const duration = z.string({ invalid_type_error: 'must be a duration string such as "30s"', required_error: 'is required (a duration such as "30s")' });
const tags = z.record(z.string({ invalid_type_error: 'tag values must be strings' }));
const base = {
  exec: z.string({ required_error: 'is required (the name of one of the test\'s vus)', invalid_type_error: 'must be a string' }).min(1, 'must not be empty'),
  startTime: duration.optional(),
  gracefulStop: duration.optional(),
  tags: tags.optional(),
  env: z.record(z.string({ invalid_type_error: 'env values must be strings' })).optional(),
};
const scenarioSchema = z.discriminatedUnion(
  'executor',
  [
    z.object({ ...base, executor: z.literal('constant-arrival-rate'), rate: positive, timeUnit: duration.optional(), duration, preAllocatedVUs: count('VUs initialised before the start', 0), maxVUs: count('the most VUs', 1).optional() }).strict(),
    z.object({
      ...base,
      executor: z.literal('ramping-arrival-rate'),
      startRate: nonNegative.optional(),
      timeUnit: duration.optional(),
      stages: z.array(z.object({ target: nonNegative, duration }).strict(), { required_error: 'is required (a list of { target, duration })' }).min(1, 'needs at least one stage'),
      preAllocatedVUs: count('VUs initialised before the start', 0),
      maxVUs: count('the most VUs', 1).optional(),
    }).strict(),
    z.object({ ...base, executor: z.literal('constant-vus'), vus: count('VUs', 1), duration }).strict(),
    z.object({ ...base, executor: z.literal('per-vu-iterations'), vus: count('VUs', 1), iterations: count('iterations per VU', 1), maxDuration: duration.optional() }).strict(),
  ],
  { errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'must be one of constant-arrival-rate, ramping-arrival-rate, constant-vus, per-vu-iterations' } : { message: ctx.defaultError }) },
);
const metricType = z.enum(['counter', 'gauge', 'rate', 'trend'], { errorMap: () => ({ message: 'must be counter, gauge, rate or trend' }) });
const thresholdSchema = z.union([z.string(), z.object({ threshold: z.string(), abortOnFail: z.boolean().optional(), delayAbortEval: duration.optional() }).strict()], {
  errorMap: () => ({ message: 'must be an expression string or { threshold, abortOnFail?, delayAbortEval? }' }),
});
const optionsSchema = z
  .object(
    {
      scenarios: z.record(scenarioSchema, { required_error: 'is required (at least one scenario)' }).refine((s) => Object.keys(s).length > 0, 'needs at least one scenario'),
      thresholds: z.record(z.array(thresholdSchema, { invalid_type_error: 'must be an array of thresholds' })).optional(),
      tags: tags.optional(),
      metrics: z.record(z.union([metricType, z.object({ type: metricType, contains: z.enum(['time', 'default', 'data']).optional() }).strict()])).optional(),
      summaryTrendStats: z.array(z.string().regex(/^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/, 'must be avg, min, med, max, count or p(N)')).optional(),
    },
    { required_error: 'is required', invalid_type_error: 'must be an object' },
  )
  .strict();
const fn = (message: string) => z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', message);
const testSchema = z.object({
  name: z.string({ required_error: 'is required (a string)', invalid_type_error: 'must be a string' }).min(1, 'must not be empty'),
  description: z.string({ required_error: 'is required (a string)', invalid_type_error: 'must be a string' }),
  options: optionsSchema,
  vus: z.record(fn('must be a VU factory function (ctx) => Promise<Vu>'), { required_error: 'is required (VU factories by name)' }),
  setup: fn('must be a function').optional(),
  teardown: fn('must be a function').optional(),
});

/** `options.scenarios.steady.rate`, `options.thresholds["a{b:c}"]`. */
function fieldPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `[${JSON.stringify(p)}]`)).join('') || 'test';
}

/**
 * Validates a LoadTest once, up front, and resolves it into a plan with durations in ms.
 * Throws LOAD_TEST_INVALID naming the field, e.g. `options.scenarios.steady.rate: must be a positive number`.
 */
export function validateLoadTest(test: unknown): TestPlan {
  if (typeof test !== 'object' || test === null) throw new MeterflowError('LOAD_TEST_INVALID', 'test: a scenario file must default-export a LoadTest object { name, description, options, vus }');
  const parsed = testSchema.safeParse(test);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${fieldPath(i.path)}: ${i.message}`);
    throw new MeterflowError('LOAD_TEST_INVALID', issues.join('; '));
  }
  const t = test as LoadTest;
  const metrics: Record<string, MetricInfo> = {};
  for (const [n, ty] of Object.entries({ ...builtinMetrics, ...meterflowMetrics, ...runnerMetrics } as Record<string, MetricType>)) metrics[n] = { type: ty, contains: inferContains(n, ty) };
  for (const [n, d] of Object.entries(t.options.metrics ?? {})) {
    metrics[n] = typeof d === 'string' ? { type: d, contains: inferContains(n, d) } : { type: d.type, contains: d.contains ?? inferContains(n, d.type) };
  }
  const scenarios = Object.entries(t.options.scenarios).map(([name, s]) => planScenario(name, s, t));
  const thresholds = compileThresholds(t.options.thresholds, (n) => metrics[n]?.type);
  return {
    scenarios,
    thresholds,
    metrics,
    summaryTrendStats: t.options.summaryTrendStats ?? defaultSummaryTrendStats,
    totalMs: Math.max(0, ...scenarios.map((s) => s.startMs + s.durationMs)),
  };
}

function planScenario(name: string, s: ScenarioOptions, test: LoadTest): ScenarioPlan {
  const field = fieldPath(['options', 'scenarios', name]);
  const f = (k: string) => `${field}.${k}`;
  if (!Object.prototype.hasOwnProperty.call(test.vus, s.exec)) {
    throw new MeterflowError('LOAD_TEST_INVALID', `${f('exec')}: "${s.exec}" is not one of the test's vus (${Object.keys(test.vus).join(', ') || 'none'})`);
  }
  const common = {
    name,
    exec: s.exec,
    startMs: s.startTime === undefined ? 0 : parseDuration(s.startTime, f('startTime')),
    gracefulStopMs: s.gracefulStop === undefined ? 30_000 : parseDuration(s.gracefulStop, f('gracefulStop')),
    tags: { ...(s.tags ?? {}), scenario: name },
    env: s.env ?? {},
  };
  const positiveDuration = (text: string, k: string) => {
    const ms = parseDuration(text, f(k));
    if (ms <= 0) throw new MeterflowError('LOAD_TEST_INVALID', `${f(k)}: must be longer than 0s`);
    return ms;
  };
  switch (s.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const timeUnitMs = s.timeUnit === undefined ? 1000 : positiveDuration(s.timeUnit, 'timeUnit');
      const maxVUs = s.maxVUs ?? s.preAllocatedVUs;
      if (maxVUs < s.preAllocatedVUs) throw new MeterflowError('LOAD_TEST_INVALID', `${f('maxVUs')}: must be at least preAllocatedVUs (${s.preAllocatedVUs}); got ${maxVUs}`);
      if (maxVUs < 1) throw new MeterflowError('LOAD_TEST_INVALID', `${f('maxVUs')}: must be at least 1 when preAllocatedVUs is 0`);
      let segments: RateSegment[];
      if (s.executor === 'constant-arrival-rate') {
        const r = s.rate / timeUnitMs;
        segments = [{ from: r, to: r, ms: positiveDuration(s.duration, 'duration') }];
      } else {
        let from = (s.startRate ?? 0) / timeUnitMs;
        segments = s.stages.map((st, i) => {
          const seg = { from, to: st.target / timeUnitMs, ms: parseDuration(st.duration, f(`stages[${i}].duration`)) };
          from = seg.to;
          return seg;
        });
        if (segments.every((g) => g.ms === 0)) throw new MeterflowError('LOAD_TEST_INVALID', `${f('stages')}: the stages last 0s in total`);
      }
      const durationMs = segments.reduce((a, g) => a + g.ms, 0);
      return { ...common, kind: 'arrival-rate', executor: s.executor, segments, durationMs, preAllocatedVUs: s.preAllocatedVUs, maxVUs };
    }
    case 'constant-vus':
      return { ...common, kind: 'constant-vus', vus: s.vus, durationMs: positiveDuration(s.duration, 'duration') };
    case 'per-vu-iterations':
      return { ...common, kind: 'per-vu-iterations', vus: s.vus, iterations: s.iterations, durationMs: s.maxDuration === undefined ? 600_000 : positiveDuration(s.maxDuration, 'maxDuration') };
  }
}
