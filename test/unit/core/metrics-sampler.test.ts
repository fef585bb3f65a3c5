import { createMetrics } from '../../../core/metrics';
import { collectSamples } from '../../../core/metrics-sampler';

describe('metrics samples for QuestDB', () => {
  it('reads back every series of the registry, with its type and labels as /metrics renders them', async () => {
    const metrics = createMetrics('t');
    const received = metrics.counter('received_total', 'x', ['kind']);
    received.inc({ kind: 'reading' }, 41);
    received.inc({ kind: 'batch' });
    metrics.collectedGauge('in_flight', 'y', () => 7);
    metrics.counter('errors_total', 'e', ['detail', 'code']).inc({ detail: 'say "hi"', code: 'A' });
    const flush = metrics.histogram('flush_seconds', 'z', { buckets: [0.1, 1] });
    flush.observe(0.25);
    flush.observe(0.5);
    const samples = await collectSamples(metrics);
    const find = (metric: string, labels = '') => samples.find((s) => s.metric === metric && s.labels === labels);
    expect(find('t_received_total', '{kind="reading"}')).toEqual({ metric: 't_received_total', labels: '{kind="reading"}', type: 'counter', value: 41 });
    expect(find('t_received_total', '{kind="batch"}')?.value).toBe(1);
    expect(find('t_in_flight')).toEqual({ metric: 't_in_flight', labels: '', type: 'gauge', value: 7 });
    // Labels sorted by name and escaped, whatever order they were given in.
    expect(find('t_errors_total', '{code="A",detail="say \\"hi\\""}')?.value).toBe(1);
    expect(find('t_flush_seconds_count')).toEqual({ metric: 't_flush_seconds_count', labels: '', type: 'histogram', value: 2 });
    expect(find('t_flush_seconds_sum')?.value).toBeCloseTo(0.75, 10);
    // Buckets are for Prometheus' quantiles, not for service_metrics.
    expect(samples.filter((s) => s.metric.endsWith('_bucket'))).toEqual([]);
    // Nor the per-V8-space heap detail; the heap totals are kept.
    expect(samples.filter((s) => s.metric.startsWith('nodejs_heap_space_'))).toEqual([]);
    expect(find('nodejs_heap_size_used_bytes')!.value).toBeGreaterThan(1_000_000);
    expect(find('process_resident_memory_bytes')!.value).toBeGreaterThan(1_000_000);
    expect(find('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });
});
