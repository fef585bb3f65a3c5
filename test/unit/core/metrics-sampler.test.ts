import { createMetrics } from '../../../core/metrics';
import { parseExposition } from '../../../core/metrics-sampler';

describe('metrics samples for QuestDB', () => {
  it('reads back every series the registry renders, with its type and labels', () => {
    const metrics = createMetrics('t');
    const received = metrics.counter('received_total', 'x');
    received.inc({ kind: 'reading' }, 41);
    received.inc({ kind: 'batch' });
    metrics.gauge('in_flight', 'y', () => 7);
    metrics.summary('flush_seconds', 'z').observe(0.25);
    const samples = parseExposition(metrics.render());
    const find = (metric: string, labels = '') => samples.find((s) => s.metric === metric && s.labels === labels);
    expect(find('t_received_total', '{kind="reading"}')).toEqual({ metric: 't_received_total', labels: '{kind="reading"}', type: 'counter', value: 41 });
    expect(find('t_received_total', '{kind="batch"}')?.value).toBe(1);
    expect(find('t_in_flight')).toEqual({ metric: 't_in_flight', labels: '', type: 'gauge', value: 7 });
    expect(find('t_flush_seconds', '{quantile="0.5"}')).toMatchObject({ type: 'summary', value: 0.25 });
    expect(find('t_flush_seconds_count')).toMatchObject({ type: 'summary', value: 1 });
    expect(find('process_resident_memory_bytes')!.value).toBeGreaterThan(1_000_000);
  });

  it('skips comments, blank lines and values that are not numbers', () => {
    expect(parseExposition('# HELP a x\n# TYPE a counter\na 3\n\nb NaN\nnot a line\n')).toEqual([{ metric: 'a', labels: '', type: 'counter', value: 3 }]);
  });
});
