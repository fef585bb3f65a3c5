import { allCharts, buildReportCharts } from '../../../../load-tests/report/report-charts';
import type { RunResult } from '../../../../load-tests/runner/run-result';
import { buildSampleRunResult } from './sample-run-result';

/** Which series each chart reads, and how absent bucket entries are read per metric type. */

describe('report charts', () => {
  const charts = buildReportCharts(buildSampleRunResult());

  it('reads the documented metrics from the series', () => {
    expect(Object.fromEntries(allCharts(charts).map((c) => [c.id, c.lines.map((l) => `${l.axis} ${l.source}`)]))).toEqual({
      'chart-throughput': ['y readings_published rate', 'y mqtt_messages rate', 'y iterations rate', 'y2 graphql_req_duration count'],
      'chart-latency-mqtt_puback_latency': ['y mqtt_puback_latency p(50)', 'y mqtt_puback_latency p(90)', 'y mqtt_puback_latency p(99)'],
      'chart-latency-e2e_stored_latency': ['y e2e_stored_latency p(50)', 'y e2e_stored_latency p(90)', 'y e2e_stored_latency p(99)'],
      'chart-latency-e2e_output_latency': ['y e2e_output_latency p(50)', 'y e2e_output_latency p(90)', 'y e2e_output_latency p(99)'],
      'chart-latency-graphql_req_duration': ['y graphql_req_duration p(50)', 'y graphql_req_duration p(90)', 'y graphql_req_duration p(99)'],
      'chart-load': ['y vus value', 'y vus_max value', 'y2 dropped_iterations rate'],
      'chart-cpu': ['y generator_cpu value'],
    });
    expect(charts.x).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('labels axes with their units', () => {
    expect(charts.throughput?.y).toEqual({ title: 'per second', unit: '/s' });
    expect(charts.throughput?.y2).toEqual({ title: 'GraphQL requests per second', unit: '/s' });
    for (const c of charts.latency) expect(c.y).toEqual({ title: 'latency (ms)', unit: 'ms' });
    expect(charts.load?.y2).toEqual({ title: 'dropped iterations /s', unit: '/s' });
    expect(charts.cpu?.y).toEqual({ title: 'CPU (% of one core)', unit: '%', suggestedMax: 100 });
  });

  it('leaves trend gaps empty, counts absent counters as 0 and carries gauges forward', () => {
    const stored = charts.latency.find((c) => c.id === 'chart-latency-e2e_stored_latency')!;
    expect(stored.lines[2]!.points.slice(0, 3).map((p) => p === null)).toEqual([true, true, false]);
    const dropped = charts.load!.lines.find((l) => l.source === 'dropped_iterations rate')!;
    expect(dropped.points[0]).toBe(0);
    expect(Math.max(...(dropped.points as number[]))).toBeGreaterThan(0);
    const result: RunResult = {
      ...buildSampleRunResult(),
      series: [
        { t: 0, ms: 500, metrics: { vus: { value: 3 }, iterations: { count: 10 }, generator_cpu: { value: 0.25 } } },
        { t: 500, ms: 500, metrics: {} },
      ],
    };
    const small = buildReportCharts(result);
    expect(small.x).toEqual([0, 0.5]);
    expect(small.load!.lines[0]!.points).toEqual([3, 3]);
    expect(small.throughput!.lines[0]!.points).toEqual([20, 0]);
    expect(small.throughput!.note).toBe('rates, per 500 ms bucket');
    expect(small.cpu!.lines[0]!.points).toEqual([25, 25]);
  });

  it('draws latency thresholds near the data as limit lines, marking the failed one', () => {
    const limits = Object.fromEntries(charts.latency.map((c) => [c.id, c.limits.map((l) => `${l.label} ${l.value} ${l.failed ? 'failed' : 'held'}`)]));
    expect(limits).toEqual({
      // 1000 ms is more than twice the highest p99 (≈500 ms): drawn, it would flatten the lines.
      'chart-latency-mqtt_puback_latency': [],
      'chart-latency-e2e_stored_latency': ['threshold p(99)<2000 2000 failed', 'threshold p(50)<1000 1000 held'],
      'chart-latency-e2e_output_latency': [],
      'chart-latency-graphql_req_duration': ['threshold p(95)<500 500 held'],
    });
  });
});
