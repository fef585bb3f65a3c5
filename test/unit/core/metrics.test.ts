import { isMeterflowError } from '../../../core/errors';
import { createMetrics } from '../../../core/metrics';

const lines = (text: string) => text.split('\n');
/** Sample lines of one metric family (name, name{...}, name_suffix), comments excluded. */
const samples = (text: string, name: string) => lines(text).filter((l) => l.startsWith(name) && !l.startsWith('#'));

// Exposition format: metric_name [ "{" label_name "=" `"` label_value `"` { "," ... } "}" ] value
const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const label = `[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}`;
const sampleLine = new RegExp(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{${label}(,${label})*\\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)$`);

describe('createMetrics', () => {
  it('counts per label set and renders HELP, TYPE and one sample line per label set', () => {
    const metrics = createMetrics('meterflow_bridge');
    const deadLetters = metrics.counter('dead_letters_total', 'Refused messages, by reason');
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'UNKNOWN_KIND' }, 5);
    expect(deadLetters.get({ reason: 'MALFORMED_JSON' })).toBe(2);
    expect(deadLetters.get({ reason: 'UNKNOWN_KIND' })).toBe(5);
    expect(deadLetters.get({ reason: 'INVALID_SHAPE' })).toBe(0);

    const text = metrics.render();
    expect(lines(text)).toContain('# HELP meterflow_bridge_dead_letters_total Refused messages, by reason');
    expect(lines(text)).toContain('# TYPE meterflow_bridge_dead_letters_total counter');
    expect(samples(text, 'meterflow_bridge_dead_letters_total').sort()).toEqual([
      'meterflow_bridge_dead_letters_total{reason="MALFORMED_JSON"} 2',
      'meterflow_bridge_dead_letters_total{reason="UNKNOWN_KIND"} 5',
    ]);
  });

  it('renders several labels as name{a="x",b="y"} and counts without labels as a bare name', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('records_total', 'Records');
    c.inc({ topic: 'readings', partition: '3' }, 2);
    c.inc();
    c.inc(undefined, 4);
    c.inc({});
    expect(c.get()).toBe(6);
    const rendered = samples(metrics.render(), 'mf_records_total');
    expect(rendered).toContain('mf_records_total 6');
    // Label names come out sorted, whatever order the caller used.
    expect(rendered).toContain('mf_records_total{partition="3",topic="readings"} 2');
    expect(rendered).toHaveLength(2);
  });

  it('treats a label set as a set: the order of keys does not make a second series', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('records_total', 'Records');
    c.inc({ topic: 'readings', partition: '3' });
    c.inc({ partition: '3', topic: 'readings' });
    expect(c.get({ topic: 'readings', partition: '3' })).toBe(2);
    expect(samples(metrics.render(), 'mf_records_total')).toHaveLength(1);
  });

  it('escapes backslash, double quote and line feed in label values as \\\\, \\" and \\n', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('errors_total', 'Errors');
    c.inc({ detail: 'say "hi"' });
    c.inc({ detail: 'C:\\dir' });
    c.inc({ detail: 'two\nlines' });
    const rendered = samples(metrics.render(), 'mf_errors_total');
    expect(rendered).toContain('mf_errors_total{detail="say \\"hi\\""} 1');
    expect(rendered).toContain('mf_errors_total{detail="C:\\\\dir"} 1');
    expect(rendered).toContain('mf_errors_total{detail="two\\nlines"} 1');
    // Escaping is lossless: values differing only in those characters stay distinct series.
    c.inc({ detail: 'a"b' });
    c.inc({ detail: 'a_b' }, 10);
    expect(c.get({ detail: 'a"b' })).toBe(1);
    expect(c.get({ detail: 'a_b' })).toBe(10);
  });

  it('gauges hold the last value set, per label set', () => {
    const metrics = createMetrics('mf');
    const g = metrics.gauge('queue_depth', 'Queued records');
    g.set(5);
    g.set(3);
    g.set(7, { queue: 'b' });
    expect(g.get()).toBe(3);
    expect(g.get({ queue: 'b' })).toBe(7);
    const text = metrics.render();
    expect(lines(text)).toContain('# TYPE mf_queue_depth gauge');
    expect(samples(text, 'mf_queue_depth').sort()).toEqual(['mf_queue_depth 3', 'mf_queue_depth{queue="b"} 7']);
  });

  it('a gauge with a collector reads it at render time', () => {
    const metrics = createMetrics('mf');
    let inFlight = 4;
    const g = metrics.gauge('messages_in_flight', 'Unacknowledged messages', () => inFlight);
    expect(g.get()).toBe(4);
    expect(samples(metrics.render(), 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 4']);
    inFlight = 9;
    expect(g.get()).toBe(9);
    expect(samples(metrics.render(), 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 9']);
  });

  it('a summary renders quantiles, _count and _sum', () => {
    const metrics = createMetrics('mf');
    const s = metrics.summary('produce_seconds', 'Produce latency');
    // 1..9 hundredths, observed out of order: the median is 0.05, the 99th percentile 0.09.
    for (const v of [9, 1, 8, 2, 7, 3, 6, 4, 5]) s.observe(v / 100);
    const text = metrics.render();
    expect(lines(text)).toContain('# TYPE mf_produce_seconds summary');
    const rendered = samples(text, 'mf_produce_seconds');
    expect(rendered).toContain('mf_produce_seconds{quantile="0.5"} 0.05');
    expect(rendered).toContain('mf_produce_seconds{quantile="0.99"} 0.09');
    expect(rendered).toContain('mf_produce_seconds_count 9');
    const sum = rendered.find((l) => l.startsWith('mf_produce_seconds_sum '));
    expect(Number(sum?.split(' ')[1])).toBeCloseTo(0.45, 10);
  });

  it('every line is a HELP, a TYPE or a well-formed sample; each family has one HELP and TYPE, before its samples', () => {
    const metrics = createMetrics('mf');
    metrics.counter('a_total', 'A').inc({ x: 'quote " backslash \\ newline \n end' });
    metrics.gauge('b', 'B', () => 1.5);
    metrics.summary('c_seconds', 'C').observe(0.25);
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    const body = lines(text).slice(0, -1);
    const seen = new Map<string, string[]>();
    let current = '';
    for (const line of body) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      if (comment) {
        const [, kind, name] = comment as unknown as [string, string, string];
        seen.set(name, [...(seen.get(name) ?? []), kind]);
        current = name;
        continue;
      }
      expect(line).toMatch(sampleLine);
      expect(line.startsWith(current)).toBe(true);
    }
    for (const name of ['mf_a_total', 'mf_b', 'mf_c_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(seen.get(name)).toEqual(['HELP', 'TYPE']);
    }
  });
});

describe('createMetrics never renders a series twice', () => {
  const thrown = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return null;
  };

  it('a name registered again (one service, several processors) is one family: one HELP/TYPE, series told apart by labels', () => {
    const metrics = createMetrics('mf');
    metrics.summary('flush_seconds', 'Per flush', { processor: 'a' }).observe(1);
    metrics.summary('flush_seconds', 'Per flush', { processor: 'b' }).observe(2);
    metrics.gauge('state_keys', 'Keys', () => 3, { processor: 'a' });
    metrics.gauge('state_keys', 'Keys', () => 4, { processor: 'b' });
    const text = metrics.render();
    expect(lines(text).filter((l) => l === '# TYPE mf_flush_seconds summary')).toHaveLength(1);
    expect(samples(text, 'mf_state_keys').sort()).toEqual(['mf_state_keys{processor="a"} 3', 'mf_state_keys{processor="b"} 4']);
    expect(samples(text, 'mf_flush_seconds')).toEqual(
      expect.arrayContaining(['mf_flush_seconds{processor="a",quantile="0.5"} 1', 'mf_flush_seconds_count{processor="b"} 1', 'mf_flush_seconds_sum{processor="b"} 2']),
    );
    const seriesLines = samples(text, 'mf_');
    expect(new Set(seriesLines.map((l) => l.split(' ')[0])).size).toBe(seriesLines.length);
  });

  it('counters registered twice with the same labels add up into one series', () => {
    const metrics = createMetrics('mf');
    metrics.counter('rows_emitted_total', 'Rows').inc({ table: 'alerts' }, 2);
    metrics.counter('rows_emitted_total', 'Rows').inc({ table: 'alerts' }, 3);
    expect(samples(metrics.render(), 'mf_rows_emitted_total')).toEqual(['mf_rows_emitted_total{table="alerts"} 5']);
  });

  it.each([
    ['a collected gauge', (m: ReturnType<typeof createMetrics>) => m.gauge('state_keys', 'Keys', () => 1)],
    ['a summary', (m: ReturnType<typeof createMetrics>) => m.summary('state_keys', 'Keys')],
  ])('refuses %s registered twice with the same labels, naming the series', (_, register) => {
    const metrics = createMetrics('mf');
    metrics.gauge('watermark_lag_seconds', 'Lag', () => 1, { processor: 'x' });
    const again = thrown(() => metrics.gauge('watermark_lag_seconds', 'Lag', () => 2, { processor: 'x' }));
    expect(isMeterflowError(again, 'METRICS_DUPLICATE_SERIES')).toBe(true);
    expect((again as Error).message).toContain('mf_watermark_lag_seconds{processor="x"}');
    register(metrics);
    expect(isMeterflowError(thrown(() => register(metrics)), 'METRICS_DUPLICATE_SERIES')).toBe(true);
  });

  it('refuses one name with two types or two help texts, and names of the process_ series', () => {
    const metrics = createMetrics('mf');
    metrics.counter('x_total', 'X');
    expect(isMeterflowError(thrown(() => metrics.gauge('x_total', 'X')), 'METRICS_DUPLICATE_SERIES')).toBe(true);
    expect(isMeterflowError(thrown(() => metrics.counter('x_total', 'Other')), 'METRICS_DUPLICATE_SERIES')).toBe(true);
    const processMetrics = createMetrics('process');
    expect(isMeterflowError(thrown(() => processMetrics.counter('cpu_seconds_total', 'CPU')), 'METRICS_DUPLICATE_SERIES')).toBe(true);
  });

  it('refuses to set a series a collector owns', () => {
    const metrics = createMetrics('mf');
    metrics.gauge('g', 'G', () => 1);
    const plain = metrics.gauge('g', 'G');
    expect(isMeterflowError(thrown(() => plain.set(2)), 'METRICS_DUPLICATE_SERIES')).toBe(true);
    plain.set(5, { other: 'y' });
    expect(samples(metrics.render(), 'mf_g').sort()).toEqual(['mf_g 1', 'mf_g{other="y"} 5']);
  });
});
