import { createMetricRegistry } from '../../../../load-tests/runner/metric-registry';

describe('metric registry', () => {
  it('trend percentiles come from an HDR histogram: 1..1000 ms uniform → p(99) ≈ 990 ms within 1 %', () => {
    const registry = createMetricRegistry();
    // shuffled so order cannot matter
    const values = Array.from({ length: 1000 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 1000) - ((b * 7919) % 1000));
    for (const v of values) registry.add('mqtt_puback_latency', v);
    const p = (s: string) => registry.stat('mqtt_puback_latency', s)!;
    expect(Math.abs(p('p(99)') - 990) / 990).toBeLessThan(0.01);
    expect(Math.abs(p('p(90)') - 900) / 900).toBeLessThan(0.01);
    expect(Math.abs(p('med') - 500) / 500).toBeLessThan(0.01);
    expect(Math.abs(p('p(99.9)') - 999) / 999).toBeLessThan(0.01);
    expect(p('avg')).toBe(500.5); // exact, not from the histogram
    expect(p('min')).toBe(1);
    expect(p('max')).toBe(1000);
    expect(p('count')).toBe(1000);
  });

  it('keeps sub-millisecond precision of time trends (µs resolution)', () => {
    const registry = createMetricRegistry();
    for (let i = 0; i < 99; i += 1) registry.add('iteration_duration', 0.25);
    registry.add('iteration_duration', 0.75);
    expect(registry.stat('iteration_duration', 'med')).toBeCloseTo(0.25, 3);
    expect(registry.stat('iteration_duration', 'p(99.5)')).toBeCloseTo(0.75, 3);
  });

  it('counters sum (rate per second of the run), rates share non-zero samples, gauges keep the last value and extremes', () => {
    const registry = createMetricRegistry();
    registry.add('readings_published', 10);
    registry.add('readings_published', 5);
    registry.setDurationMs(3000);
    expect(registry.stat('readings_published', 'count')).toBe(15);
    expect(registry.stat('readings_published', 'rate')).toBe(5);
    for (const ok of [true, true, false, 1, 0]) registry.add('graphql_errors', ok);
    expect(registry.stat('graphql_errors', 'rate')).toBeCloseTo(3 / 5, 10);
    expect(registry.stat('graphql_errors', 'passes')).toBe(3);
    expect(registry.stat('graphql_errors', 'fails')).toBe(2);
    for (const v of [3, 9, 1, 4]) registry.add('vus', v);
    expect([registry.stat('vus', 'value'), registry.stat('vus', 'min'), registry.stat('vus', 'max')]).toEqual([4, 1, 9]);
    expect(registry.info('vus')?.type).toBe('gauge');
  });

  it('a metric first seen undeclared is a counter; a declared one keeps its type', () => {
    const registry = createMetricRegistry({ declared: { my_lag: 'trend' } });
    registry.add('my_things', 2);
    registry.add('my_lag', 7);
    expect(registry.info('my_things')).toEqual({ type: 'counter', contains: 'default' });
    expect(registry.info('my_lag')?.type).toBe('trend');
    expect(registry.stat('my_lag', 'p(99)')).toBeCloseTo(7, 2);
  });

  it('summarises submetrics from per-tag-set accounting, global tags included', () => {
    const registry = createMetricRegistry({ tags: { run: 'r1' } });
    registry.add('e2e_stored_latency', 100, { kind: 'water', scenario: 'a' });
    registry.add('e2e_stored_latency', 300, { kind: 'water', scenario: 'b' });
    registry.add('e2e_stored_latency', 900, { kind: 'electricity', scenario: 'a' });
    expect(registry.stat('e2e_stored_latency', 'avg', { kind: 'water' })).toBe(200);
    expect(registry.stat('e2e_stored_latency', 'max', { kind: 'water', scenario: 'a' })).toBe(100);
    expect(registry.stat('e2e_stored_latency', 'count', { run: 'r1' })).toBe(3);
    expect(registry.count('e2e_stored_latency', { kind: 'gas' })).toBe(0);
    expect(registry.tagSets('e2e_stored_latency')).toHaveLength(3);
  });

  it('caps distinct tag sets per metric, folding the rest into one overflow set with a warning', () => {
    const warnings: string[] = [];
    const registry = createMetricRegistry({ maxTagSets: 10, warn: (w) => warnings.push(w) });
    for (let i = 0; i < 50; i += 1) registry.add('mqtt_messages', 1, { meter: `m${i}` });
    expect(registry.tagSets('mqtt_messages')).toHaveLength(11);
    expect(registry.stat('mqtt_messages', 'count', { overflow: 'true' })).toBe(40);
    expect(registry.stat('mqtt_messages', 'count')).toBe(50);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/mqtt_messages: more than 10 distinct tag sets/);
  });

  it('time buckets hold only their own samples, per metric and per tracked submetric', () => {
    const registry = createMetricRegistry({ submetrics: [{ key: 'mqtt_puback_latency{kind:water}', name: 'mqtt_puback_latency', filter: { kind: 'water' } }] });
    for (let i = 0; i < 10; i += 1) registry.add('mqtt_messages', 1);
    registry.add('mqtt_puback_latency', 4, { kind: 'water' });
    registry.add('mqtt_puback_latency', 8, { kind: 'electricity' });
    const first = registry.closeBucket(0, 1000);
    expect(first).toMatchObject({ t: 0, ms: 1000 });
    expect(first.metrics.mqtt_messages).toEqual({ count: 10, rate: 10 });
    expect(first.metrics.mqtt_puback_latency).toMatchObject({ count: 2, avg: 6, max: 8 });
    expect(first.metrics['mqtt_puback_latency{kind:water}']).toMatchObject({ count: 1, max: 4 });
    registry.add('mqtt_messages', 1);
    registry.add('mqtt_messages', 1);
    const second = registry.closeBucket(1000, 500);
    expect(second.metrics.mqtt_messages).toEqual({ count: 2, rate: 4 });
    expect(second.metrics.mqtt_puback_latency).toBeUndefined();
    expect(registry.stat('mqtt_messages', 'count')).toBe(12);
  });

  it('ignores non-finite values with one warning', () => {
    const warnings: string[] = [];
    const registry = createMetricRegistry({ warn: (w) => warnings.push(w) });
    registry.add('e2e_output_latency', NaN);
    registry.add('e2e_output_latency', Infinity);
    expect(registry.count('e2e_output_latency')).toBe(0);
    expect(warnings).toHaveLength(1);
  });
});
