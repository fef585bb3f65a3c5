import { isMeterflowError } from '../../../core/errors';
import { createMetrics, type Metrics } from '../../../core/metrics';

const lines = (text: string) => text.split('\n');
/** Sample lines of one metric family (name, name{...}, name_suffix), comments excluded. */
const samples = (text: string, name: string) => lines(text).filter((l) => l.startsWith(name) && !l.startsWith('#'));
const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
};

describe('createMetrics (prom-client, one registry per service)', () => {
  it('counts per label set and renders HELP, TYPE and one sample line per label set', async () => {
    const metrics = createMetrics('meterflow_bridge');
    const deadLetters = metrics.counter('dead_letters_total', 'Refused messages, by reason', ['reason']);
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'UNKNOWN_KIND' }, 5);

    const text = await metrics.render();
    expect(lines(text)).toContain('# HELP meterflow_bridge_dead_letters_total Refused messages, by reason');
    expect(lines(text)).toContain('# TYPE meterflow_bridge_dead_letters_total counter');
    expect(samples(text, 'meterflow_bridge_dead_letters_total').sort()).toEqual([
      'meterflow_bridge_dead_letters_total{reason="MALFORMED_JSON"} 2',
      'meterflow_bridge_dead_letters_total{reason="UNKNOWN_KIND"} 5',
    ]);
  });

  it('treats a label set as a set: the order of keys does not make a second series', async () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('records_total', 'Records', ['topic', 'partition']);
    c.inc({ topic: 'readings', partition: '3' });
    c.inc({ partition: '3', topic: 'readings' }, 2);
    expect(samples(await metrics.render(), 'mf_records_total')).toEqual(['mf_records_total{topic="readings",partition="3"} 3']);
  });

  it('escapes backslash, double quote and line feed in label values as \\\\, \\" and \\n', async () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('errors_total', 'Errors', ['detail']);
    c.inc({ detail: 'say "hi"' });
    c.inc({ detail: 'C:\\dir' }, 2);
    c.inc({ detail: 'two\nlines' }, 3);
    expect(samples(await metrics.render(), 'mf_errors_total').sort()).toEqual([
      'mf_errors_total{detail="C:\\\\dir"} 2',
      'mf_errors_total{detail="say \\"hi\\""} 1',
      'mf_errors_total{detail="two\\nlines"} 3',
    ]);
  });

  it('gauges hold the last value set, per label set', async () => {
    const metrics = createMetrics('mf');
    const g = metrics.gauge('state_keys', 'Keys', ['processor']);
    g.set(5, { processor: 'a' });
    g.set(3, { processor: 'a' });
    g.set(7, { processor: 'b' });
    const text = await metrics.render();
    expect(lines(text)).toContain('# TYPE mf_state_keys gauge');
    expect(samples(text, 'mf_state_keys').sort()).toEqual(['mf_state_keys{processor="a"} 3', 'mf_state_keys{processor="b"} 7']);
  });

  it('a collected gauge is read at each scrape, once per registered label set', async () => {
    const metrics = createMetrics('mf');
    let inFlight = 4;
    metrics.collectedGauge('messages_in_flight', 'Unacknowledged messages', () => inFlight);
    metrics.collectedGauge('pending', 'Pending', () => 1, { queue: 'a' });
    metrics.collectedGauge('pending', 'Pending', () => 2, { queue: 'b' });
    expect(samples(await metrics.render(), 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 4']);
    inFlight = 9;
    const text = await metrics.render();
    expect(samples(text, 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 9']);
    expect(samples(text, 'mf_pending').sort()).toEqual(['mf_pending{queue="a"} 1', 'mf_pending{queue="b"} 2']);
  });

  it('a histogram renders cumulative buckets with le, +Inf, _sum and _count', async () => {
    const metrics = createMetrics('mf');
    const h = metrics.histogram('flush_seconds', 'Flush latency', { buckets: [0.005, 0.05, 1], labelNames: ['processor'] });
    // 3 ms, 20 ms twice, 7 s: ≤5 ms 1, ≤50 ms 3, ≤1 s 3, all 4; sum 7.043 s.
    for (const v of [0.003, 0.02, 0.02, 7]) h.observe(v, { processor: 'billing' });
    const text = await metrics.render();
    expect(lines(text)).toContain('# TYPE mf_flush_seconds histogram');
    const rendered = samples(text, 'mf_flush_seconds');
    expect(rendered).toEqual(
      expect.arrayContaining([
        'mf_flush_seconds_bucket{le="0.005",processor="billing"} 1',
        'mf_flush_seconds_bucket{le="0.05",processor="billing"} 3',
        'mf_flush_seconds_bucket{le="1",processor="billing"} 3',
        'mf_flush_seconds_bucket{le="+Inf",processor="billing"} 4',
        'mf_flush_seconds_count{processor="billing"} 4',
      ]),
    );
    const sum = rendered.find((l) => l.startsWith('mf_flush_seconds_sum{'));
    expect(Number(sum?.split(' ')[1])).toBeCloseTo(7.043, 10);
  });

  it('carries the default process and Node.js metrics under their standard names', async () => {
    const typed = lines(await createMetrics('mf').render()).filter((l) => l.startsWith('# TYPE '));
    expect(typed).toEqual(
      expect.arrayContaining([
        '# TYPE process_cpu_seconds_total counter',
        '# TYPE process_resident_memory_bytes gauge',
        '# TYPE nodejs_eventloop_lag_seconds gauge',
        '# TYPE nodejs_gc_duration_seconds histogram',
        '# TYPE nodejs_heap_size_used_bytes gauge',
      ]),
    );
  });

  it('two services in one process keep their series apart: each renders its own, and the process series once', async () => {
    const bridge = createMetrics('meterflow_bridge');
    const sink = createMetrics('meterflow_sink');
    bridge.counter('records_produced_total', 'Produced').inc(undefined, 3);
    sink.counter('rows_written_total', 'Written').inc(undefined, 2);
    const [b, s] = [await bridge.render(), await sink.render()];
    expect(samples(b, 'meterflow_')).toEqual(['meterflow_bridge_records_produced_total 3']);
    expect(samples(s, 'meterflow_')).toEqual(['meterflow_sink_rows_written_total 2']);
    for (const text of [b, s]) expect(samples(text, 'process_cpu_seconds_total ')).toHaveLength(1);
  });
});

describe('createMetrics never renders a series twice', () => {
  it('a name registered again with the same meaning is one family: counts add up', async () => {
    const metrics = createMetrics('mf');
    metrics.counter('rows_emitted_total', 'Rows', ['table']).inc({ table: 'alerts' }, 2);
    metrics.counter('rows_emitted_total', 'Rows', ['table']).inc({ table: 'alerts' }, 3);
    const text = await metrics.render();
    expect(samples(text, 'mf_rows_emitted_total')).toEqual(['mf_rows_emitted_total{table="alerts"} 5']);
    expect(lines(text).filter((l) => l === '# TYPE mf_rows_emitted_total counter')).toHaveLength(1);
  });

  it.each<[string, (m: Metrics) => unknown]>([
    ['another type', (m) => m.gauge('x_total', 'X', ['table'])],
    ['another help text', (m) => m.counter('x_total', 'Other', ['table'])],
    ['other label names', (m) => m.counter('x_total', 'X', ['topic'])],
    ['a histogram over it', (m) => m.histogram('x_total', 'X', { buckets: [1], labelNames: ['table'] })],
  ])('refuses one name with %s, naming it', (_, again) => {
    const metrics = createMetrics('mf');
    metrics.counter('x_total', 'X', ['table']);
    const error = thrown(() => again(metrics));
    expect(isMeterflowError(error, 'METRICS_DUPLICATE_SERIES')).toBe(true);
    expect((error as Error).message).toContain('mf_x_total');
  });

  it('refuses a histogram registered again with other buckets', () => {
    const metrics = createMetrics('mf');
    metrics.histogram('h_seconds', 'H', { buckets: [0.1, 1] });
    expect(isMeterflowError(thrown(() => metrics.histogram('h_seconds', 'H', { buckets: [0.1, 2] })), 'METRICS_DUPLICATE_SERIES')).toBe(true);
  });

  it('refuses the same label set collected twice, naming the series', () => {
    const metrics = createMetrics('mf');
    metrics.collectedGauge('watermark_lag_seconds', 'Lag', () => 1, { processor: 'x' });
    const error = thrown(() => metrics.collectedGauge('watermark_lag_seconds', 'Lag', () => 2, { processor: 'x' }));
    expect(isMeterflowError(error, 'METRICS_DUPLICATE_SERIES')).toBe(true);
    expect((error as Error).message).toContain('mf_watermark_lag_seconds{processor="x"}');
  });

  it('refuses names of the default process / Node.js series', () => {
    expect(isMeterflowError(thrown(() => createMetrics('process').counter('cpu_seconds_total', 'CPU')), 'METRICS_DUPLICATE_SERIES')).toBe(true);
    expect(isMeterflowError(thrown(() => createMetrics('nodejs').collectedGauge('eventloop_lag_seconds', 'Lag', () => 0)), 'METRICS_DUPLICATE_SERIES')).toBe(true);
  });
});
