import { isMeterflowError } from '../../../../core/errors';
import { parseDuration } from '../../../../load-tests/runner/durations';
import type { LoadTest, LoadTestOptions } from '../../../../load-tests/runner/load-test';
import { createMetricRegistry } from '../../../../load-tests/runner/metric-registry';
import { runLoadTest } from '../../../../load-tests/runner/run-load-test';
import { parseThresholdExpression, parseThresholdKey } from '../../../../load-tests/runner/threshold-expression';
import { compileThresholds, evaluateThresholds } from '../../../../load-tests/runner/thresholds';
import { validateLoadTest } from '../../../../load-tests/runner/validate-options';
import { createVirtualClock } from '../../../../load-tests/runner/virtual-clock';

const types: Record<string, 'counter' | 'gauge' | 'rate' | 'trend'> = { lat: 'trend', errs: 'rate', sent: 'counter', cpu: 'gauge' };
const compile = (thresholds: LoadTestOptions['thresholds']) => compileThresholds(thresholds, (n) => types[n]);
const message = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(isMeterflowError(error, 'LOAD_TEST_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

describe('durations', () => {
  it('reads k6 durations', () => {
    expect(parseDuration('500ms', 'f')).toBe(500);
    expect(parseDuration('30s', 'f')).toBe(30_000);
    expect(parseDuration('2m', 'f')).toBe(120_000);
    expect(parseDuration('1h30m', 'f')).toBe(5_400_000);
    expect(parseDuration('1m30s', 'f')).toBe(90_000);
    expect(parseDuration('1.5s', 'f')).toBe(1500);
  });
  it('refuses others, naming the field', () => {
    expect(message(() => parseDuration('30', 'options.scenarios.a.duration'))).toMatch(/^options\.scenarios\.a\.duration: .*"30"/);
    expect(message(() => parseDuration('30s1m', 'x'))).toMatch(/^x: units must go from largest/);
    expect(message(() => parseDuration('3 days', 'x'))).toMatch(/^x: cannot read/);
  });
});

describe('threshold expressions', () => {
  it('parses aggregations, operators and numbers as k6', () => {
    expect(parseThresholdExpression('p(99)<500', 'f')).toMatchObject({ aggregation: 'p(99)', operator: '<', value: 500 });
    expect(parseThresholdExpression(' p(99.9) <= 1e3 ', 'f')).toMatchObject({ aggregation: 'p(99.9)', operator: '<=', value: 1000 });
    expect(parseThresholdExpression('rate>0.999', 'f')).toMatchObject({ aggregation: 'rate', operator: '>', value: 0.999 });
    expect(parseThresholdExpression('count==0', 'f')).toMatchObject({ aggregation: 'count', operator: '==', value: 0 });
    expect(parseThresholdExpression('count===0', 'f').operator).toBe('===');
    expect(parseThresholdExpression('value!=-1', 'f')).toMatchObject({ operator: '!=', value: -1 });
  });
  it('refuses malformed expressions, naming the field', () => {
    for (const bad of ['p99<500', 'p(99)', 'avg<', 'mean<5', 'p(101)<5', 'rate => 1']) {
      expect(message(() => parseThresholdExpression(bad, 'options.thresholds["lat"][0]'))).toMatch(/^options\.thresholds\["lat"\]\[0\]: /);
    }
  });
  it('reads submetric keys', () => {
    expect(parseThresholdKey('e2e_stored_latency{kind:water}', 'f')).toEqual({ key: 'e2e_stored_latency{kind:water}', name: 'e2e_stored_latency', filter: { kind: 'water' } });
    expect(parseThresholdKey('lat{ kind: "water", scenario:steady }', 'f').filter).toEqual({ kind: 'water', scenario: 'steady' });
    expect(message(() => parseThresholdKey('lat{kind}', 'options.thresholds["lat{kind}"]'))).toMatch(/must read tag:value/);
  });
  it('accepts only the aggregations k6 allows per metric type', () => {
    expect(() => compile({ lat: ['p(99)<5', 'avg<1', 'med<1', 'min>0', 'max<9'], errs: ['rate<0.01'], sent: ['count>0', 'rate>1'], cpu: ['value<0.9'] })).not.toThrow();
    expect(message(() => compile({ sent: ['p(99)<5'] }))).toMatch(/^options\.thresholds\["sent"\]\[0\]: p\(99\) does not apply to sent, a counter/);
    expect(message(() => compile({ errs: ['count==0'] }))).toMatch(/count does not apply to errs, a rate/);
    expect(message(() => compile({ nope: ['count==0'] }))).toMatch(/unknown metric "nope"/);
  });
});

describe('threshold evaluation', () => {
  it('per metric type, against what was recorded', () => {
    const registry = createMetricRegistry({ declared: types });
    for (let v = 1; v <= 100; v += 1) registry.add('lat', v);
    registry.add('errs', true);
    registry.add('errs', false);
    registry.add('errs', false);
    registry.add('errs', false);
    registry.add('sent', 3);
    registry.add('sent', 4);
    registry.add('cpu', 0.5);
    registry.add('cpu', 0.2);
    const results = evaluateThresholds(compile({ lat: ['p(50)<=51', 'p(99)<50', 'avg==50.5'], errs: ['rate<0.3'], sent: ['count==7'], cpu: ['value<0.3'] }), registry);
    expect(results.map((r) => [r.threshold.expression.source, r.ok])).toEqual([
      ['p(50)<=51', true],
      ['p(99)<50', false],
      ['avg==50.5', true],
      ['rate<0.3', true], // 1 of 4
      ['count==7', true],
      ['value<0.3', true], // last value 0.2
    ]);
  });

  it('on a submetric: only the samples whose tags match', () => {
    const registry = createMetricRegistry({ declared: types });
    for (let i = 0; i < 10; i += 1) registry.add('lat', 10, { kind: 'water', scenario: 's' });
    for (let i = 0; i < 10; i += 1) registry.add('lat', 1000, { kind: 'electricity', scenario: 's' });
    const [water, electricity, all] = evaluateThresholds(compile({ 'lat{kind:water}': ['max<20'], 'lat{kind:electricity}': ['max<20'], lat: ['max<20'] }), registry);
    expect(water!.ok).toBe(true);
    expect(water!.actual).toBe(10);
    expect(electricity!.ok).toBe(false);
    expect(all!.ok).toBe(false);
  });

  it('a metric with no sample evaluates as 0 (k6): count==0 holds, rate>0.9 fails', () => {
    const registry = createMetricRegistry({ declared: types });
    const [a, b] = evaluateThresholds(compile({ sent: ['count==0'], errs: ['rate>0.9'] }), registry);
    expect(a!.ok).toBe(true);
    expect(b!.ok).toBe(false);
  });
});

describe('options validation', () => {
  const vus = { v: async () => ({ iteration: async () => {}, close: async () => {} }) };
  const test = (options: unknown): LoadTest => ({ name: 't', description: '', options: options as LoadTestOptions, vus });
  const steady = { executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '10s', preAllocatedVUs: 2 };
  it('names the bad field', () => {
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, rate: 0 } } })))).toBe('options.scenarios.steady.rate: must be a positive number');
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, exec: 'w' } } })))).toMatch(/^options\.scenarios\.steady\.exec: "w" is not one of the test's vus \(v\)/);
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, maxVUs: 1 } } })))).toMatch(/^options\.scenarios\.steady\.maxVUs: must be at least preAllocatedVUs \(2\)/);
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, duration: '10' } } })))).toMatch(/^options\.scenarios\.steady\.duration: /);
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, executor: 'shared-iterations' } } })))).toMatch(/^options\.scenarios\.steady\.executor: must be one of/);
    expect(message(() => validateLoadTest(test({ scenarios: { steady: { ...steady, preallocatedVUs: 3 } } })))).toMatch(/^options\.scenarios\.steady: Unrecognized key.*preallocatedVUs/);
    expect(message(() => validateLoadTest(test({ scenarios: { steady }, thresholds: { checks: ['rate>>1'] } })))).toMatch(/^options\.thresholds\["checks"\]\[0\]: /);
    expect(message(() => validateLoadTest(test({ scenarios: { steady }, thresholds: { checks: [{ threshold: 'rate>0.9', delayAbortEval: 'soon' }] } })))).toMatch(/^options\.thresholds\["checks"\]\[0\]\.delayAbortEval: /);
    expect(message(() => validateLoadTest(test({ scenarios: {} })))).toMatch(/^options\.scenarios: needs at least one scenario/);
  });
  it('resolves durations and defaults', () => {
    const plan = validateLoadTest(test({ scenarios: { steady: { ...steady, startTime: '1m' } } }));
    expect(plan.scenarios[0]).toMatchObject({ kind: 'arrival-rate', startMs: 60_000, durationMs: 10_000, gracefulStopMs: 30_000, maxVUs: 2, tags: { scenario: 'steady' } });
    expect(plan.totalMs).toBe(70_000);
  });
});

describe('abortOnFail', () => {
  it('stops the run early (teardown still runs) and records why', async () => {
    const clock = createVirtualClock();
    let tornDown = false;
    const result = await runLoadTest(
      {
        name: 'abort',
        description: '',
        options: {
          scenarios: { s: { executor: 'constant-arrival-rate', exec: 'v', rate: 10, duration: '60s', preAllocatedVUs: 1 } },
          thresholds: { iterations_failed: [{ threshold: 'count<5', abortOnFail: true, delayAbortEval: '2s' }] },
        },
        vus: { v: async () => ({ iteration: async () => Promise.reject(new Error('down')), close: async () => {} }) },
        teardown: async () => {
          tornDown = true;
        },
      },
      { clock, log: () => {}, cpuUsage: () => ({ user: 0, system: 0 }) },
    );
    // 10 failures a second: count<5 fails from the first second, but is first judged at 2 s.
    expect(result.summary.state.testRunDurationMs).toBe(2000);
    expect(result.summary.meterflow.aborted).toMatch(/iterations_failed: count<5 failed \(abortOnFail\) at 2\.0s/);
    expect(result.summary.meterflow.thresholdsFailed).toEqual(['iterations_failed: count<5']);
    expect(tornDown).toBe(true);
    expect(result.summary.metrics.iterations!.values.count).toBeLessThan(25);
  });
});
