import { MeterflowError } from '../../core/errors';
import { parseDuration } from './durations';
import type { MetricType, Tags, Threshold } from './load-test';
import type { MetricRegistry, Submetric } from './metric-registry';
import { aggregationApplies, compare, parseThresholdExpression, parseThresholdKey, type ThresholdExpression } from './threshold-expression';

export interface CompiledThreshold {
  /** The thresholds key: metric or submetric `name{tag:value}`. */
  key: string;
  name: string;
  filter: Tags;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  /** abortOnFail is not evaluated before this long after the start. */
  delayAbortEvalMs: number;
}

export interface ThresholdOutcome {
  threshold: CompiledThreshold;
  ok: boolean;
  /** The aggregation's value (0 for a metric with no sample, as k6). */
  actual: number;
}

/**
 * Compiles `options.thresholds`; `typeOf` answers the declared type of a metric (or undefined).
 * Errors name the field: `options.thresholds["name"][i]`.
 */
export function compileThresholds(thresholds: Record<string, Threshold[]> | undefined, typeOf: (name: string) => MetricType | undefined): CompiledThreshold[] {
  const out: CompiledThreshold[] = [];
  for (const [rawKey, list] of Object.entries(thresholds ?? {})) {
    const keyField = `options.thresholds[${JSON.stringify(rawKey)}]`;
    const { key, name, filter } = parseThresholdKey(rawKey, keyField);
    const type = typeOf(name);
    if (!type) throw new MeterflowError('LOAD_TEST_INVALID', `${keyField}: unknown metric "${name}"; declare custom metrics in options.metrics`);
    if (!Array.isArray(list)) throw new MeterflowError('LOAD_TEST_INVALID', `${keyField}: must be an array of threshold expressions`);
    list.forEach((t, i) => {
      const field = `${keyField}[${i}]`;
      const source = typeof t === 'string' ? t : t?.threshold;
      if (typeof source !== 'string') throw new MeterflowError('LOAD_TEST_INVALID', `${field}: must be a string or { threshold, abortOnFail?, delayAbortEval? }`);
      const expression = parseThresholdExpression(source, typeof t === 'string' ? field : `${field}.threshold`);
      if (!aggregationApplies(expression.aggregation, type)) {
        throw new MeterflowError('LOAD_TEST_INVALID', `${field}: ${expression.aggregation} does not apply to ${name}, a ${type} (k6 allows ${allowedText(type)})`);
      }
      const abortOnFail = typeof t === 'object' && t.abortOnFail === true;
      const delayAbortEvalMs = typeof t === 'object' && t.delayAbortEval !== undefined ? parseDuration(t.delayAbortEval, `${field}.delayAbortEval`) : 0;
      out.push({ key, name, filter, expression, abortOnFail, delayAbortEvalMs });
    });
  }
  return out;
}

function allowedText(type: MetricType): string {
  return { counter: 'count, rate', gauge: 'value', rate: 'rate', trend: 'avg, min, max, med, p(N)' }[type];
}

/** The submetrics thresholds refer to (one per distinct key with a tag filter). */
export function thresholdSubmetrics(thresholds: CompiledThreshold[]): Submetric[] {
  const byKey = new Map<string, Submetric>();
  for (const t of thresholds) if (Object.keys(t.filter).length > 0) byKey.set(t.key, { key: t.key, name: t.name, filter: t.filter });
  return [...byKey.values()];
}

/** Evaluates thresholds against what the registry holds now. */
export function evaluateThresholds(thresholds: CompiledThreshold[], registry: MetricRegistry): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const filter = Object.keys(threshold.filter).length > 0 ? threshold.filter : undefined;
    const actual = registry.stat(threshold.name, threshold.expression.aggregation, filter) ?? 0;
    return { threshold, actual, ok: compare(actual, threshold.expression.operator, threshold.expression.value) };
  });
}

/** "metric: expression" as listed in SummaryData.meterflow.thresholdsFailed. */
export function describeThreshold(t: CompiledThreshold): string {
  return `${t.key}: ${t.expression.source}`;
}
