import { createHash } from 'node:crypto';
import type { Findings, LoadTest } from './load-test';
import type { MetricRegistry } from './metric-registry';
import type { MetricSummary, SummaryData } from './run-result';
import { parsePercentile } from './metric-accumulator';
import { describeThreshold, type ThresholdOutcome } from './thresholds';
import type { TestPlan } from './validate-options';

export interface CheckTally {
  name: string;
  passes: number;
  fails: number;
}

export interface SummaryInput {
  test: LoadTest;
  plan: TestPlan;
  registry: MetricRegistry;
  outcomes: ThresholdOutcome[];
  checks: CheckTally[];
  startedAt: Date;
  testRunDurationMs: number;
  aborted: string | null;
  findings: Findings;
  errors: string[];
  warnings: string[];
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
  noColor?: boolean;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * k6's handleSummary(data) shape: every metric with a sample or a threshold, and every
 * submetric a threshold names (`name{tag:value}`); `values` keys by type as k6
 * (trend: summaryTrendStats + count and any p(N) a threshold uses; counter: count rate;
 * rate: rate passes fails; gauge: value min max); `thresholds[expression].ok`.
 */
export function buildSummaryData(input: SummaryInput): SummaryData {
  const { registry, plan, outcomes } = input;
  const keys = new Map<string, { name: string; filter?: Record<string, string> }>();
  for (const name of registry.observed()) keys.set(name, { name });
  for (const o of outcomes) {
    const t = o.threshold;
    if (!keys.has(t.name)) keys.set(t.name, { name: t.name });
    if (Object.keys(t.filter).length > 0) keys.set(t.key, { name: t.name, filter: t.filter });
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, { name, filter }] of keys) {
    const info = registry.info(name) ?? { type: 'counter' as const, contains: 'default' as const };
    const stats = statsFor(info.type, plan.summaryTrendStats);
    for (const o of outcomes) if (o.threshold.key === key && parsePercentile(o.threshold.expression.aggregation) !== null) stats.add(o.threshold.expression.aggregation);
    const values: Record<string, number> = {};
    for (const s of stats) values[s] = registry.stat(name, s, filter) ?? 0;
    const summary: MetricSummary = { type: info.type, contains: info.contains, values };
    const own = outcomes.filter((o) => o.threshold.key === key);
    if (own.length > 0) summary.thresholds = Object.fromEntries(own.map((o) => [o.threshold.expression.source, { ok: o.ok }]));
    metrics[key] = summary;
  }
  return {
    metrics,
    root_group: {
      name: '',
      path: '',
      id: md5(''),
      groups: [],
      checks: input.checks.map((c) => ({ name: c.name, path: `::${c.name}`, id: md5(`::${c.name}`), passes: c.passes, fails: c.fails })),
    },
    options: { summaryTrendStats: plan.summaryTrendStats, summaryTimeUnit: '', noColor: input.noColor ?? false },
    state: { isStdOutTTY: input.isStdOutTTY ?? false, isStdErrTTY: input.isStdErrTTY ?? false, testRunDurationMs: input.testRunDurationMs },
    meterflow: {
      test: input.test.name,
      description: input.test.description,
      startedAt: input.startedAt.toISOString(),
      options: input.test.options,
      aborted: input.aborted,
      thresholdsFailed: outcomes.filter((o) => !o.ok).map((o) => describeThreshold(o.threshold)),
      findings: input.findings,
      errors: input.errors,
      warnings: input.warnings,
    },
  };
}

function statsFor(type: string, trendStats: string[]): Set<string> {
  switch (type) {
    case 'trend':
      return new Set([...trendStats, 'count']);
    case 'counter':
      return new Set(['count', 'rate']);
    case 'rate':
      return new Set(['rate', 'passes', 'fails']);
    default:
      return new Set(['value', 'min', 'max']);
  }
}
