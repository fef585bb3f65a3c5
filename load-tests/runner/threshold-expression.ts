import { MeterflowError } from '../../core/errors';
import type { MetricType, Tags } from './load-test';

/**
 * k6 threshold expressions (https://grafana.com/docs/k6/latest/using-k6/thresholds/):
 * `<aggregation> <operator> <number>`, e.g. `p(99)<500`, `rate>0.999`, `count==0`, `p(99.9) <= 1e3`.
 */
export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  /** As written. */
  source: string;
  /** avg min max med count rate value or p(N) (N may be fractional). */
  aggregation: string;
  operator: ThresholdOperator;
  value: number;
}

/** Which aggregations a threshold may use on which metric type, as in k6. */
export const aggregationsByType: Record<MetricType, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

const expression = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(===|==|!=|<=|>=|<|>)\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*$/i;

/** Parses one expression; `field` names it in the error, e.g. `options.thresholds["checks"][0]`. */
export function parseThresholdExpression(source: string, field: string): ThresholdExpression {
  const m = expression.exec(source);
  if (!m) {
    throw new MeterflowError(
      'LOAD_TEST_INVALID',
      `${field}: ${JSON.stringify(source)} is not a threshold expression; expected <aggregation><operator><number> with aggregation avg|min|max|med|count|rate|value|p(N) and operator < <= > >= == === !=, e.g. "p(99)<500"`,
    );
  }
  const percentile = m[2];
  if (percentile !== undefined && Number(percentile) > 100) throw new MeterflowError('LOAD_TEST_INVALID', `${field}: p(${percentile}) is beyond p(100)`);
  return {
    source,
    aggregation: percentile !== undefined ? `p(${Number(percentile)})` : (m[1] as string).toLowerCase(),
    operator: m[3] as ThresholdOperator,
    value: Number(m[4]),
  };
}

/** Whether the aggregation applies to the metric type (k6 refuses e.g. p(99) on a counter). */
export function aggregationApplies(aggregation: string, type: MetricType): boolean {
  const allowed = aggregationsByType[type];
  return aggregation.startsWith('p(') ? allowed.includes('p(N)') : allowed.includes(aggregation);
}

export function compare(actual: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

export interface ThresholdKey {
  /** As written: `name` or `name{tag:value,...}`. */
  key: string;
  name: string;
  /** Empty for the whole metric. */
  filter: Tags;
}

/** Parses a thresholds key: a metric name, optionally with a k6 tag filter `{tag:value, other:"x"}`. */
export function parseThresholdKey(key: string, field: string): ThresholdKey {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:\{(.*)\})?\s*$/.exec(key);
  if (!m) throw new MeterflowError('LOAD_TEST_INVALID', `${field}: ${JSON.stringify(key)} is not a metric name or name{tag:value}`);
  const filter: Tags = {};
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const colon = part.indexOf(':');
      const k = colon > 0 ? part.slice(0, colon).trim() : '';
      const v = colon > 0 ? part.slice(colon + 1).trim().replace(/^(["'])(.*)\1$/, '$2') : '';
      if (!k || !v) throw new MeterflowError('LOAD_TEST_INVALID', `${field}: tag filter ${JSON.stringify(part.trim())} in ${JSON.stringify(key)} must read tag:value`);
      filter[k] = v;
    }
    if (Object.keys(filter).length === 0) throw new MeterflowError('LOAD_TEST_INVALID', `${field}: empty tag filter in ${JSON.stringify(key)}`);
  }
  return { key: key.trim(), name: m[1] as string, filter };
}
